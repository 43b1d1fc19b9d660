using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.AspNetCore.Verify;
using Attestation.LocalHost;
using Attestation.SampleApi;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// The sample API with its defaults, against the local host configured as scripts/run-local.sh configures it
/// (local.settings.sample.json, Development) on Azurite: real tokens from attest, over real HTTP.
/// </summary>
public sealed class SampleApiEndToEndTests : IAsyncLifetime, IDisposable
{
    private const string VerifyKey = "sample-verify-key";
    private WebApplication _backend = null!;
    private HttpClient _attestation = null!;
    private WebApplication _sample = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        (_backend, _attestation) = await LocalBackend.StartAsync(
            $"--Attestation:Auth:VerifyKeySha256:0={Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(VerifyKey)))}");
        (_sample, _api) = await StartSampleAsync();
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
    public async Task WhoAmIAnswersTheAppDeviceAndPlatformOfADemoToken()
    {
        var (token, deviceId) = await AttestAsync(TestTokens.DemoApp);

        using var response = await WhoAmIAsync(_api, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(TestTokens.DemoApp, body.GetProperty("appId").GetString());
        Assert.Equal(deviceId, body.GetProperty("deviceId").GetString());
        Assert.Equal("debug", body.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task MissingAndMalformedTokensAreRefused()
    {
        using (var missing = await WhoAmIAsync(_api, null))
        {
            await ProtectedApi.AssertRefusedAsync(missing);
        }

        using var malformed = await WhoAmIAsync(_api, "not-a-token");
        await ProtectedApi.AssertRefusedAsync(malformed);
    }

    [Fact]
    public async Task ATokenOfTheOtherDemoAppIsRefused()
    {
        var (token, _) = await AttestAsync(TestTokens.OtherApp);

        using var response = await WhoAmIAsync(_api, token);

        await ProtectedApi.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task ADecoyTokenIsRefused()
    {
        // com.contoso.decoy answers a wrong debug token with a 200 and a decoy token (docs/api.md, decoy mode).
        var (decoy, _) = await AttestAsync(TestTokens.OtherApp, debugToken: "not-the-registered-debug-token");

        using var response = await WhoAmIAsync(_api, decoy);

        await ProtectedApi.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var (token, _) = await AttestAsync(TestTokens.DemoApp);
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(1));
        var (sample, api) = await StartSampleAsync(builder => builder.Services.AddSingleton<TimeProvider>(later));
        await using var _ = sample;
        using var __ = api;

        using var response = await WhoAmIAsync(api, token);

        await ProtectedApi.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task ABoundTokenIsAcceptedWithItsAuthorizationHeaderOnly()
    {
        var (token, _) = await AttestAsync(TestTokens.DemoApp, binding: TestTokens.Pay("Bearer alice"));

        using (var bound = await WhoAmIAsync(_api, token, "Bearer alice"))
        {
            Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        }

        using var other = await WhoAmIAsync(_api, token, "Bearer mallory");
        var detail = await ProtectedApi.AssertRefusedAsync(other);
        Assert.Contains("not bound", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsumingThroughVerifyAcceptsATokenOnce()
    {
        var (sample, api) = await StartSampleAsync(
            builder => builder.Services.AddAttestationVerifyClient(options =>
            {
                options.VerifyUri = new Uri(_attestation.BaseAddress!, "api/v1/verify");
                options.FunctionKey = VerifyKey;
            }),
            "--AttestationToken:ConsumeThroughVerify=true");
        await using var _ = sample;
        using var __ = api;
        var (token, _) = await AttestAsync(TestTokens.DemoApp);

        using (var first = await WhoAmIAsync(api, token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await WhoAmIAsync(api, token);
        await ProtectedApi.AssertRefusedAsync(second);
    }

    private static async Task<(WebApplication App, HttpClient Client)> StartSampleAsync(Action<WebApplicationBuilder>? configure = null, params string[] settings)
    {
        var app = SampleApi.SampleApi.Build(["--urls=http://127.0.0.1:0", .. settings], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = LocalBackend.AddressOf(app) });
    }

    private Task<(string Token, string DeviceId)> AttestAsync(string appId, string debugToken = "local-debug-token", string? binding = null) =>
        LocalBackend.AttestAsync(_attestation, appId, debugToken, binding);

    private static async Task<HttpResponseMessage> WhoAmIAsync(HttpClient client, string? token, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(AttestationTokenDefaults.HeaderName, token);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await client.SendAsync(request);
    }
}
