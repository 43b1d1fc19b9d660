using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// The sample API in ES256 mode against the backend's own discovery: the local host signs with a P-256 key, and the
/// package knows nothing but the backend's JWKS address, holding no secret that could mint a token.
/// </summary>
public sealed class Es256EndToEndTests : IAsyncLifetime, IDisposable
{
    private WebApplication _backend = null!;
    private HttpClient _attestation = null!;
    private WebApplication _sample = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        (_backend, _attestation) = await LocalBackend.StartAsync(
            "--Attestation:Token:Algorithm=ES256",
            "--Attestation:SigningKey:Current:Version=local-es256-1",
            $"--Attestation:SigningKey:Current:Secret={Convert.ToBase64String(key.ExportPkcs8PrivateKey())}");

        _sample = SampleApi.SampleApi.Build(
            ["--urls=http://127.0.0.1:0", $"--AttestationToken:JwksUri={new Uri(LocalBackend.AddressOf(_backend), "/api/.well-known/jwks.json")}"],
            builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await _sample.StartAsync();
        _api = new HttpClient { BaseAddress = LocalBackend.AddressOf(_sample) };
    }

    public async Task DisposeAsync()
    {
        await _sample.DisposeAsync();
        await _backend.DisposeAsync();
    }

    public void Dispose()
    {
        _api.Dispose();
        _attestation.Dispose();
    }

    [Fact]
    public async Task ATokenOfTheEs256BackendPassesWithTheJwksAlone()
    {
        var (token, deviceId) = await AttestAsync(TestTokens.DemoApp);
        Assert.Equal("ES256", JsonDocument.Parse(Base64UrlDecode(token.Split('.')[0])).RootElement.GetProperty("alg").GetString());

        using var response = await WhoAmIAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(deviceId, body.GetProperty("deviceId").GetString());
        Assert.Equal(TestTokens.DemoApp, body.GetProperty("appId").GetString());
    }

    [Fact]
    public async Task AnotherAppsAndADecoysEs256TokensAreRefused()
    {
        var (decoy, _) = await AttestAsync("com.contoso.decoy", debugToken: "not-registered");
        using (var refused = await WhoAmIAsync(decoy))
        {
            await ProtectedApi.AssertRefusedAsync(refused);
        }

        var (otherApp, _) = await AttestAsync("com.contoso.decoy");
        using var other = await WhoAmIAsync(otherApp);
        await ProtectedApi.AssertRefusedAsync(other);
    }

    [Fact]
    public async Task AnHs256TokenMadeWithTheSampleSecretIsRefusedInEs256Mode()
    {
        // The local run's HS256 development key (the sample's own default), which an ES256 deployment must not honour.
        var issuer = new Attestation.Core.Tokens.TokenIssuer(
            Microsoft.Extensions.Options.Options.Create(new Attestation.Core.Tokens.TokenOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience }),
            TimeProvider.System);
        var sampleKey = Attestation.Core.Tokens.SigningKey.FromBase64("local-development-1", "oCCnlGujb+niQrw6G/M7l1SpYVnVMvCFmc9T5tbw1ww=")!;
        var forged = issuer.Issue(new Attestation.Core.Tokens.SigningKeySet(sampleKey, null), new Attestation.Core.Tokens.TokenSubject("device-1", TestTokens.DemoApp, "debug", null)).Token;

        using var response = await WhoAmIAsync(forged);

        await ProtectedApi.AssertRefusedAsync(response);
    }

    private Task<(string Token, string DeviceId)> AttestAsync(string appId, string debugToken = "local-debug-token") =>
        LocalBackend.AttestAsync(_attestation, appId, debugToken);

    private async Task<HttpResponseMessage> WhoAmIAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.TryAddWithoutValidation(AttestationTokenDefaults.HeaderName, token);
        return await _api.SendAsync(request);
    }

    private static byte[] Base64UrlDecode(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight((text.Length + 3) / 4 * 4, '='));
}
