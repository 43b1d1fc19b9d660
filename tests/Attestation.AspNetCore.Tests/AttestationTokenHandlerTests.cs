using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.AspNetCore.Tests;

/// <summary>The scheme in a test server with HS256 keys from configuration, against tokens of the backend's own issuer.</summary>
public sealed class AttestationTokenHandlerTests : IAsyncLifetime
{
    private const string Checks = "attestation.token.checks";
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);
    private TestTokens _tokens = null!;
    private ProtectedApi _api = null!;

    public async Task InitializeAsync()
    {
        _tokens = new TestTokens(_clock);
        _api = await ProtectedApi.StartHs256Async(_clock);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AValidTokenMakesAPrincipalWithTheAppDeviceAndPlatform()
    {
        using var response = await _api.WhoAmIAsync(_tokens.Issue(platform: "apple-app-attest", device: "device-42"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(TestTokens.DemoApp, body.GetProperty("app").GetString());
        Assert.Equal("device-42", body.GetProperty("device").GetString());
        Assert.Equal("apple-app-attest", body.GetProperty("platform").GetString());
        Assert.Equal("device-42", body.GetProperty("name").GetString());
        Assert.Equal(1, _api.Meters.Sum(Checks, ("outcome", "accepted")));
    }

    [Fact]
    public async Task ATokenOfThePreviousKeyVersionIsAccepted()
    {
        using var response = await _api.WhoAmIAsync(_tokens.IssueWithPrevious());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AMissingTokenIsRefusedWithTheEdgesProblem()
    {
        using var response = await _api.WhoAmIAsync(null);

        var detail = await ProtectedApi.AssertRefusedAsync(response);
        Assert.Equal("The attestation token is missing, expired or invalid. Attest again or refresh the token, then retry.", detail);
        Assert.Equal(1, _api.Meters.Sum(Checks, ("outcome", "refused"), ("reason", "missing")));
    }

    [Fact]
    public async Task ItsRefusalsAreTheEdgesProblemsWordForWord()
    {
        using var missing = await _api.WhoAmIAsync(null);
        using var unbound = await _api.WhoAmIAsync(_tokens.Issue(binding: TestTokens.Pay("Bearer user-1")), "Bearer user-2");

        Assert.Equal(EdgeProblem("attestation-token-problem.xml"), await missing.Content.ReadAsStringAsync(), JsonTextComparer.Instance);
        Assert.Equal(EdgeProblem("check-attestation-token-binding.xml"), await unbound.Content.ReadAsStringAsync(), JsonTextComparer.Instance);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "garbage", "malformed" },
        { "oversized", "malformed" },
        { "alg-none", "bad_signature" },
        { "decoy", "bad_signature" },
        { "unknown-kid", "bad_signature" },
        { "no-kid", "bad_signature" },
        { "es256-with-hs256-keys", "bad_signature" },
        { "wrong-issuer", "wrong_issuer" },
        { "wrong-audience", "wrong_audience" },
        { "other-app", "wrong_app" },
        { "no-app-claim", "malformed" },
        { "no-exp", "malformed" },
        { "wrong-typ", "malformed" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ABadTokenIsRefusedWith401AndCountedWithItsReason(string shape, string reason)
    {
        using var response = await _api.WhoAmIAsync(TokenOfShape(shape));

        await ProtectedApi.AssertRefusedAsync(response);
        Assert.Equal(1, _api.Meters.Sum(Checks, ("outcome", "refused"), ("reason", reason)));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedAtItsExpiryAndNotASecondBefore()
    {
        var token = _tokens.Issue();

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        using (var live = await _api.WhoAmIAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await _api.WhoAmIAsync(token);
        await ProtectedApi.AssertRefusedAsync(expired);
        Assert.Equal(1, _api.Meters.Sum(Checks, ("outcome", "refused"), ("reason", "expired")));
    }

    [Fact]
    public async Task ATokenFromTheFutureIsNotYetValid()
    {
        var token = _tokens.MintHs256(new Dictionary<string, object?> { ["nbf"] = TestTokens.Now.AddMinutes(1).ToUnixTimeSeconds() });

        using var response = await _api.WhoAmIAsync(token);

        await ProtectedApi.AssertRefusedAsync(response);
        Assert.Equal(1, _api.Meters.Sum(Checks, ("outcome", "refused"), ("reason", "not_yet_valid")));
    }

    [Fact]
    public async Task ABoundTokenPassesWithItsAuthorizationHeaderAndNoOther()
    {
        var token = _tokens.Issue(binding: TestTokens.Pay("Bearer user-1"));

        using (var bound = await _api.WhoAmIAsync(token, "Bearer user-1"))
        {
            Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        }

        using var other = await _api.WhoAmIAsync(token, "Bearer user-2");
        var detail = await ProtectedApi.AssertRefusedAsync(other);
        Assert.Equal("The attestation token is not bound to this request's Authorization header.", detail);
        using var none = await _api.WhoAmIAsync(token);
        await ProtectedApi.AssertRefusedAsync(none);
        Assert.Equal(2, _api.Meters.Sum(Checks, ("outcome", "refused"), ("reason", "binding_mismatch")));
    }

    [Fact]
    public async Task TwoTokenHeadersAreRefusedEvenWhenBothAreValid()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add(AttestationTokenDefaults.HeaderName, [_tokens.Issue(), _tokens.Issue()]);

        using var response = await _api.Client.SendAsync(request);

        await ProtectedApi.AssertRefusedAsync(response);
    }

    [Fact]
    public async Task NoRefusalLogsTheTokenOrAnswersWithIt()
    {
        var token = _tokens.IssueDecoy();

        using var response = await _api.WhoAmIAsync(token);

        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], _api.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains("refused by AttestationToken: bad_signature", _api.Logs.AllText, StringComparison.Ordinal);
    }

    private string TokenOfShape(string shape) => shape switch
    {
        "garbage" => "not a token",
        "oversized" => _tokens.MintHs256(new Dictionary<string, object?> { ["filler"] = new string('a', 9000) }),
        "alg-none" => _tokens.Unsigned(),
        "decoy" => _tokens.IssueDecoy(),
        "unknown-kid" => _tokens.Mint(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(TestTokens.CurrentSecret)) { KeyId = "v9" }, "HS256"),
        "no-kid" => _tokens.Mint(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(TestTokens.CurrentSecret)), "HS256"),
        "es256-with-hs256-keys" => _tokens.Mint(TestTokens.NewEs256Key(TestTokens.CurrentVersion), "ES256"),
        "wrong-issuer" => _tokens.IssueFor("https://attacker.example", TestTokens.Audience),
        "wrong-audience" => _tokens.IssueFor(TestTokens.Issuer, "api://other-apis"),
        "other-app" => _tokens.Issue(app: TestTokens.OtherApp),
        "no-app-claim" => _tokens.MintHs256(new Dictionary<string, object?> { ["app"] = null }),
        "no-exp" => _tokens.MintHs256(new Dictionary<string, object?> { ["exp"] = null }),
        "wrong-typ" => _tokens.Mint(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Convert.FromBase64String(TestTokens.CurrentSecret)) { KeyId = TestTokens.CurrentVersion }, "HS256", typ: "at+jwt"),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>The problem body an API Management fragment answers with (its one set-body).</summary>
    private static string EdgeProblem(string fragment) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(Attestation.TestSupport.RepositoryPaths.Root, "infra", "policies", fragment))
            .Descendants("set-body").Single().Value;

    /// <summary>Equal when both texts are the same JSON value, whatever their spacing.</summary>
    private sealed class JsonTextComparer : IEqualityComparer<string>
    {
        public static readonly JsonTextComparer Instance = new();

        public bool Equals(string? x, string? y) =>
            x is not null && y is not null && JsonNode.DeepEquals(JsonNode.Parse(x), JsonNode.Parse(y));

        public int GetHashCode(string obj) => 0;
    }
}
