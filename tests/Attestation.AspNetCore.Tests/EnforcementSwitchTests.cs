using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.AspNetCore.Tests;

/// <summary><see cref="AttestationTokenOptions.Enforce"/> false: the rollout mode lets refused requests through, logged and counted.</summary>
public sealed class EnforcementSwitchTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);
    private TestTokens _tokens = null!;
    private ProtectedApi _api = null!;

    public async Task InitializeAsync()
    {
        _tokens = new TestTokens(_clock);
        _api = await ProtectedApi.StartHs256Async(_clock, options => options.Enforce = false);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ARefusedTokenGoesThroughWithoutClaimsAndIsCountedAsWouldRefuse()
    {
        using var response = await _api.WhoAmIAsync(_tokens.IssueDecoy());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("app").ValueKind);
        Assert.Equal("bad_signature", body.GetProperty("refusal").GetString());
        Assert.Equal(1, _api.Meters.Sum("attestation.token.checks", ("outcome", "would_refuse"), ("reason", "bad_signature")));
        Assert.Equal(0, _api.Meters.Sum("attestation.token.checks", ("outcome", "refused")));
        Assert.Contains("would be refused by AttestationToken (bad_signature), but Enforce is false", _api.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingTokenGoesThroughToo()
    {
        using var response = await _api.WhoAmIAsync(null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _api.Meters.Sum("attestation.token.checks", ("outcome", "would_refuse"), ("reason", "missing")));
    }

    [Fact]
    public async Task AValidTokenStillMakesThePrincipal()
    {
        using var response = await _api.WhoAmIAsync(_tokens.Issue());

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(TestTokens.DemoApp, body.GetProperty("app").GetString());
        Assert.Equal(1, _api.Meters.Sum("attestation.token.checks", ("outcome", "accepted")));
    }
}
