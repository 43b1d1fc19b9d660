using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Platforms;
using Attestation.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Functions.Tests.Endpoints.Platform;

/// <summary>
/// GET /api/.well-known/openid-configuration and /api/.well-known/jwks.json in both modes, and the ES256 token end to end:
/// attest, verify, and a third party verifying with the published JWKS alone (docs/api.md).
/// </summary>
public sealed class WellKnownEndpointTests : IAsyncLifetime
{
    private static readonly string CurrentKey = NewPkcs8();
    private static readonly string PreviousKey = NewPkcs8();
    private RunningBackend _hs256 = null!;
    private RunningBackend _es256 = null!;

    public async Task InitializeAsync()
    {
        _hs256 = await RunningBackend.StartAsync();
        _es256 = await RunningBackend.StartAsync(settings:
        [
            "--Attestation:Token:Algorithm=ES256",
            "--Attestation:SigningKey:Current:Version=es-2",
            $"--Attestation:SigningKey:Current:Secret={CurrentKey}",
            "--Attestation:SigningKey:Previous:Version=es-1",
            $"--Attestation:SigningKey:Previous:Secret={PreviousKey}",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _hs256.DisposeAsync();
        await _es256.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/.well-known/openid-configuration")]
    [InlineData("/api/.well-known/jwks.json")]
    public async Task InHs256ModeBothRoutesAreNotFound(string path)
    {
        using var response = await _hs256.Anonymous.GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task TheDiscoveryDocumentNamesTheIssuerTheJwksAndEs256()
    {
        using var response = await _es256.Anonymous.GetAsync("/api/.well-known/openid-configuration");
        var document = await RunningBackend.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_es256.Services.GetRequiredService<IOptions<TokenOptions>>().Value.Issuer, document.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(_es256.Anonymous.BaseAddress!, "/api/.well-known/jwks.json"), new Uri(document.GetProperty("jwks_uri").GetString()!));
        Assert.Equal(["ES256"], document.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task TheJwksHoldsTheCurrentAndPreviousPublicKeysAndNoPrivatePart()
    {
        using var response = await _es256.Anonymous.GetAsync("/api/.well-known/jwks.json");
        var body = await response.Content.ReadAsStringAsync();
        var keys = JsonDocument.Parse(body).RootElement.GetProperty("keys").EnumerateArray().ToArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.Equal(["es-2", "es-1"], keys.Select(k => k.GetProperty("kid").GetString()));
        Assert.All(keys, k =>
        {
            Assert.Equal(["kty", "crv", "x", "y", "kid", "use", "alg"], k.EnumerateObject().Select(p => p.Name));
            Assert.Equal("EC", k.GetProperty("kty").GetString());
            Assert.Equal("P-256", k.GetProperty("crv").GetString());
            Assert.Equal("sig", k.GetProperty("use").GetString());
            Assert.Equal("ES256", k.GetProperty("alg").GetString());
        });
        foreach (var secret in new[] { CurrentKey, PreviousKey })
        {
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(secret), out _);
            Assert.DoesNotContain(Base64UrlEncoder.Encode(key.ExportParameters(true).D), body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnEs256TokenVerifiesAtTheBackendAndWithThePublishedJwksAlone()
    {
        var token = await AttestAsync(_es256);
        var jwt = new JsonWebToken(token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("es-2", jwt.Kid);

        var verified = await _es256.VerifyAsync(token);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());

        // What an API or the edge does: only the JWKS, nothing that could mint a token.
        using var jwksResponse = await _es256.Anonymous.GetAsync("/api/.well-known/jwks.json");
        var jwks = new JsonWebKeySet(await jwksResponse.Content.ReadAsStringAsync());
        var options = _es256.Services.GetRequiredService<IOptions<TokenOptions>>().Value;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task AnHs256TokenWithTheSampleSecretIsRefusedInEs256Mode()
    {
        // A genuine token of an HS256 deployment that shares the sample secret: an ES256 deployment accepts none.
        var hs256Token = await AttestAsync(_hs256);

        var verified = await _es256.VerifyAsync(hs256Token);

        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", verified.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnEs256TokenIsRefusedByAnHs256Deployment()
    {
        var verified = await _hs256.VerifyAsync(await AttestAsync(_es256));

        Assert.False(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", verified.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenOfThePreviousKeyVerifiesAndAStrangersKeyWithAKnownKidDoesNot()
    {
        var issuer = new TokenIssuer(_es256.Services.GetRequiredService<IOptions<TokenOptions>>(), TimeProvider.System);
        var subject = new TokenSubject(Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken), RunningBackend.DemoApp, PlatformNames.Debug, null);
        var previous = issuer.Issue(new SigningKeySet(SigningKey.FromEcPrivateKey("es-1", PreviousKey)!, null), subject).Token;
        var stranger = issuer.Issue(new SigningKeySet(SigningKey.FromEcPrivateKey("es-2", NewPkcs8())!, null), subject).Token;

        await AttestAsync(_es256);
        Assert.True((await _es256.VerifyAsync(previous)).GetProperty("valid").GetBoolean());
        var refused = await _es256.VerifyAsync(stranger);
        Assert.Equal("bad_signature", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task InEs256ModeAnHs256KeyInConfigurationStopsTheStart()
    {
        // The sample's HS256 secret is no P-256 key: the start fails, naming the setting, rather than signing nothing.
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningBackend.StartAsync(settings: ["--Attestation:Token:Algorithm=ES256"]));

        Assert.Contains("Attestation:SigningKey:Current:Secret must be base64 of a P-256 private key", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> AttestAsync(RunningBackend backend)
    {
        using var response = await backend.AttestDebugAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    private static string NewPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }
}
