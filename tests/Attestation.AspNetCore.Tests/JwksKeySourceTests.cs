using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore.Tests;

/// <summary>ES256 with keys from a JWKS: an in-test JWKS server and tokens minted here with P-256 keys.</summary>
public sealed class JwksKeySourceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);
    private readonly ECDsaSecurityKey _key1 = TestTokens.NewEs256Key("es-1");
    private TestTokens _tokens = null!;
    private JwksServer _jwks = null!;
    private ProtectedApi _api = null!;

    public async Task InitializeAsync()
    {
        _tokens = new TestTokens(_clock);
        _jwks = await JwksServer.StartAsync();
        _jwks.Add(TestTokens.PublicJwk(_key1));
        _api = await ProtectedApi.StartAsync(_clock, options =>
        {
            options.JwksUri = JwksServer.JwksUri;
            options.BackchannelHttpHandler = _jwks.CreateHandler();
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    [Fact]
    public async Task AnEs256TokenSignedWithAKeyOfTheJwksIsAccepted()
    {
        using var response = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("device-es", body.GetProperty("device").GetString());
        Assert.Equal(1, _jwks.Fetches);
    }

    [Fact]
    public async Task AnHs256TokenKeyedWithThePublicKeyIsRefused()
    {
        // The classic confusion (RFC 8725 §2.1): the public key's bytes used as an HMAC secret under the same kid.
        var publicBytes = Base64UrlEncoder.DecodeBytes(TestTokens.PublicJwk(_key1)["x"]).Concat(Base64UrlEncoder.DecodeBytes(TestTokens.PublicJwk(_key1)["y"])).ToArray();
        var token = _tokens.Mint(new SymmetricSecurityKey(publicBytes) { KeyId = "es-1" }, SecurityAlgorithms.HmacSha256);

        using var response = await _api.WhoAmIAsync(token);

        await ProtectedApi.AssertRefusedAsync(response);
        Assert.Equal(1, _api.Meters.Sum("attestation.token.checks", ("reason", "bad_signature")));
    }

    [Fact]
    public async Task AnEs256TokenOfAKeyNotInTheJwksIsRefused()
    {
        using var response = await _api.WhoAmIAsync(_tokens.Mint(TestTokens.NewEs256Key("es-1"), SecurityAlgorithms.EcdsaSha256));

        await ProtectedApi.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task ARotatedKeyIsFetchedOnItsFirstTokenAndAccepted()
    {
        using (await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256)))
        {
        }

        var key2 = TestTokens.NewEs256Key("es-2");
        _jwks.Add(TestTokens.PublicJwk(key2));
        using var response = await _api.WhoAmIAsync(_tokens.Mint(key2, SecurityAlgorithms.EcdsaSha256));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _jwks.Fetches);
    }

    [Fact]
    public async Task UnknownKeyIdsFetchTheJwksAtMostOncePerSpacing()
    {
        using (await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256)))
        {
        }

        for (var i = 0; i < 5; i++)
        {
            using var refused = await _api.WhoAmIAsync(_tokens.Mint(TestTokens.NewEs256Key($"attacker-{i}"), SecurityAlgorithms.EcdsaSha256));
            await ProtectedApi.AssertRefusedAsync(refused);
        }

        Assert.Equal(2, _jwks.Fetches);
        _clock.Advance(TimeSpan.FromSeconds(5));
        using (await _api.WhoAmIAsync(_tokens.Mint(TestTokens.NewEs256Key("attacker-late"), SecurityAlgorithms.EcdsaSha256)))
        {
        }

        Assert.Equal(3, _jwks.Fetches);
    }

    [Fact]
    public async Task AJwksOutageKeepsTheLastKeysForKeyMaxStalenessThenAnswers503AndSaysSoInTheLog()
    {
        using (var first = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _jwks.Down = true;
        _clock.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        using (var stale = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256)))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        }

        Assert.Contains("failed; the last keys read, if any, stay in use", _api.Logs.AllText, StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromSeconds(5));
        using (var refused = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256)))
        {
            await AssertUnavailableAsync(refused);
        }

        Assert.Contains("past KeyMaxStaleness 06:00:00: every token is refused (503) until the JWKS answers", _api.Logs.AllText, StringComparison.Ordinal);

        _jwks.Down = false;
        _clock.Advance(TimeSpan.FromSeconds(5));
        using var recovered = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256));
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task NoKeysAtAllAnswer503NotA500()
    {
        _jwks.Down = true;

        using var response = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256));

        await AssertUnavailableAsync(response);
    }

    public static TheoryData<string> UnusableJwks =>
    [
        """{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}]}""",
        """{"keys":[{"kty":"EC","crv":"P-384","kid":"p384","x":"AAAA","y":"AAAA"}]}""",
        """{"keys":[{"kty":"oct","kid":"es-1","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}""",
        "not json",
        "{\"keys\":[]," + new string(' ', 70_000) + "\"x\":1}",
    ];

    [Theory]
    [MemberData(nameof(UnusableJwks))]
    public async Task AJwksWithoutAUsableEs256KeyIsAnOutageNotAKeySource(string body)
    {
        _jwks.RawBody = body;

        using var response = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256));

        await AssertUnavailableAsync(response);
    }

    [Fact]
    public async Task AKeyWithAPrivatePartOrAnotherUseIsSkipped()
    {
        var withPrivate = TestTokens.PublicJwk(_key1);
        withPrivate["d"] = Base64UrlEncoder.Encode(_key1.ECDsa.ExportParameters(true).D);
        var encryption = TestTokens.PublicJwk(TestTokens.NewEs256Key("enc"));
        encryption["use"] = "enc";
        _jwks.RawBody = JsonSerializer.Serialize(new { keys = new[] { withPrivate, encryption } });

        using var response = await _api.WhoAmIAsync(_tokens.Mint(_key1, SecurityAlgorithms.EcdsaSha256));

        await AssertUnavailableAsync(response);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("retry_later", problem.GetProperty("action").GetString());
    }
}
