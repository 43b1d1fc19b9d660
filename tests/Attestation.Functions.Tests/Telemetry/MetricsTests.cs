using System.Net;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>
/// The meter's instruments through real HTTP flows: each outcome counted once, with the right tags, and no tag that carries
/// a token, a device id or a debug token.
/// </summary>
public class MetricsTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private const string Attestations = "attestation.attestations";
    private const string Refreshes = "attestation.refreshes";
    private const string TokensIssued = "attestation.tokens.issued";
    private const string Verifications = "attestation.verifications";
    private const string AttestDuration = "attestation.attest.duration";
    private const string SigningKeyLoads = "attestation.signing_key.loads";
    private const string WrongDebugToken = "wrong-debug-token-5678";

    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task ASuccessfulAttestationIsCountedAsIssuedWithItsAppAndPlatform()
    {
        using var metrics = new MetricsRecorder(_backend);

        using var response = await _backend.AttestDebugAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counted = Assert.Single(metrics.Of(Attestations));
        Assert.True(counted.Has(("app", RunningBackend.DemoApp), ("platform", "debug"), ("outcome", "issued"), ("code", null)));
        Assert.Equal(1, counted.Value);
        var issued = Assert.Single(metrics.Of(TokensIssued));
        Assert.True(issued.Has(("app", RunningBackend.DemoApp), ("platform", "debug"), ("flow", "attest")));
        var latency = Assert.Single(metrics.Of(AttestDuration));
        Assert.True(latency.Has(("app", RunningBackend.DemoApp), ("platform", "debug"), ("outcome", "issued")));
        Assert.True(latency.Value >= 0);
    }

    [Fact]
    public async Task ARefusalIsCountedWithItsCodeAndIssuesNoToken()
    {
        using var metrics = new MetricsRecorder(_backend);

        using var response = await _backend.AttestDebugAsync(debugToken: WrongDebugToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var counted = Assert.Single(metrics.Of(Attestations));
        Assert.True(counted.Has(("app", RunningBackend.DemoApp), ("platform", "debug"), ("outcome", "refused"), ("code", "attestation_invalid")));
        Assert.Empty(metrics.Of(TokensIssued));
        Assert.Single(metrics.Of(AttestDuration, ("outcome", "refused")));
    }

    [Fact]
    public async Task CallerChosenAppIdsAndPlatformsNeverBecomeTags()
    {
        using var metrics = new MetricsRecorder(_backend);
        var challenge = await _backend.ChallengeAsync();

        using var unknownApp = await _backend.PostAsync("/api/v1/attest", new { appId = "com.attacker.random1", platform = "debug", challenge, evidence = new { debugToken = "x" } });
        using var unknownPlatform = await _backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "attacker-platform", challenge, evidence = new { } });

        Assert.Equal(HttpStatusCode.NotFound, unknownApp.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownPlatform.StatusCode);
        Assert.Single(metrics.Of(Attestations, ("app", null), ("platform", null), ("outcome", "refused"), ("code", "app_unknown")));
        Assert.Single(metrics.Of(Attestations, ("app", RunningBackend.DemoApp), ("platform", null), ("outcome", "refused"), ("code", "invalid_request")));
        Assert.DoesNotContain(metrics.All, m => m.Tags.Values.Any(v => v is not null && v.Contains("attacker", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ADecoyIsCountedWithItsRealReasonAndNotAsAnIssuedToken()
    {
        using var metrics = new MetricsRecorder(_backend);
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);

        using var forged = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: WrongDebugToken, challenge: challenge);
        using var replayed = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge);

        // The caller sees two successes; the server counts two refusals and why.
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Single(metrics.Of(Attestations, ("app", RunningBackend.DecoyApp), ("platform", "debug"), ("outcome", "decoy"), ("code", "attestation_invalid")));
        Assert.Single(metrics.Of(Attestations, ("app", RunningBackend.DecoyApp), ("platform", "debug"), ("outcome", "decoy"), ("code", "challenge_invalid")));
        Assert.Empty(metrics.Of(Attestations, ("outcome", "issued")));
        Assert.Empty(metrics.Of(TokensIssued));
    }

    [Fact]
    public async Task RefreshesAreCountedByOutcome()
    {
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
        (await _backend.AttestDebugAsync()).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var refreshed = await _backend.RefreshDebugAsync(deviceId);
        using var unknown = await _backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url("never-attested"));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Single(metrics.Of(Refreshes, ("app", RunningBackend.DemoApp), ("platform", "debug"), ("outcome", "issued"), ("code", null)));
        Assert.Single(metrics.Of(Refreshes, ("app", RunningBackend.DemoApp), ("outcome", "refused"), ("code", "device_unknown")));
        Assert.Single(metrics.Of(TokensIssued, ("app", RunningBackend.DemoApp), ("flow", "refresh")));
        Assert.Empty(metrics.Of(Attestations));
    }

    [Fact]
    public async Task VerificationsAreCountedByOutcomeAndReason()
    {
        var token = await TokenAsync(RunningBackend.DemoApp, RunningBackend.DebugToken);
        var decoy = await TokenAsync(RunningBackend.DecoyApp, WrongDebugToken);
        using var metrics = new MetricsRecorder(_backend);

        await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DecoyApp);
        await _backend.VerifyAsync(token, appId: RunningBackend.DemoApp, platforms: ["play-integrity"]);
        await _backend.VerifyAsync(token, consume: true);
        await _backend.VerifyAsync(token, consume: true);
        await _backend.VerifyAsync(decoy);
        await _backend.VerifyAsync("not-a-jwt");

        Assert.Single(metrics.Of(Verifications, ("outcome", "valid"), ("reason", null)));
        Assert.Single(metrics.Of(Verifications, ("outcome", "invalid"), ("reason", "already_consumed")));
        Assert.Single(metrics.Of(Verifications, ("outcome", "invalid"), ("reason", "bad_signature")));
        Assert.Single(metrics.Of(Verifications, ("outcome", "invalid"), ("reason", "malformed")));
        Assert.Single(metrics.Of(Verifications, ("outcome", "invalid"), ("reason", "wrong_app")));
        Assert.Single(metrics.Of(Verifications, ("outcome", "invalid"), ("reason", "wrong_platform")));
        Assert.Equal(6, metrics.Of(Verifications).Count);
    }

    [Fact]
    public async Task ADependencyOutageIsCountedAsUnavailable()
    {
        var token = await TokenAsync(RunningBackend.DemoApp, RunningBackend.DebugToken);
        await using var vault = await FakeKeyVaultServer.StartAsync();
        vault.AddVersion("token-signing-key", Convert.ToBase64String(new byte[32]), DateTimeOffset.UtcNow.AddDays(-1));
        vault.AddVersion("challenge-key", Convert.ToBase64String(new byte[32]), DateTimeOffset.UtcNow.AddDays(-1));
        var client = vault.CreateSecretClient();
        await using var backend = await RunningBackend.StartAsync(services: s => s.AddSingleton(client), settings: [$"--Attestation:SigningKey:KeyVaultUri={vault.VaultUri}"]);
        using var metrics = new MetricsRecorder(backend);

        // The challenge key is loaded (by this challenge) before the outage; the signing key never is.
        var challenge = await backend.ChallengeAsync();
        vault.Unavailable = true;
        using var attest = await backend.AttestDebugAsync(challenge: challenge);
        using var verify = await backend.PostAsync("/api/v1/verify", new { token });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, attest.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, verify.StatusCode);
        Assert.Single(metrics.Of(Attestations, ("app", RunningBackend.DemoApp), ("platform", "debug"), ("outcome", "unavailable"), ("code", null)));
        Assert.Single(metrics.Of(Verifications, ("outcome", "unavailable"), ("reason", null)));
        Assert.Empty(metrics.Of(TokensIssued));
    }

    [Fact]
    public async Task EachReadOfTheSigningKeyFromKeyVaultIsCountedByOutcome()
    {
        await using var vault = await FakeKeyVaultServer.StartAsync();
        vault.AddVersion("token-signing-key", Convert.ToBase64String(new byte[32]), DateTimeOffset.UtcNow.AddDays(-1));
        vault.AddVersion("challenge-key", Convert.ToBase64String(new byte[32]), DateTimeOffset.UtcNow.AddDays(-1));
        var client = vault.CreateSecretClient();
        await using var backend = await RunningBackend.StartAsync(services: s => s.AddSingleton(client), settings: [$"--Attestation:SigningKey:KeyVaultUri={vault.VaultUri}"]);
        using var metrics = new MetricsRecorder(backend);

        using var attested = await backend.AttestDebugAsync();

        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        var loaded = Assert.Single(metrics.Of(SigningKeyLoads));
        Assert.Equal(new Dictionary<string, string?> { ["outcome"] = "ok" }, loaded.Tags);

        // A key id this instance has not loaded makes it read the vault again, which now fails.
        vault.Unavailable = true;
        var options = backend.Services.GetRequiredService<IOptions<TokenOptions>>().Value;
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]) { KeyId = "a-version-never-loaded" }, SecurityAlgorithms.HmacSha256),
        });
        var verdict = await backend.VerifyAsync(forged);

        Assert.Equal("bad_signature", verdict.GetProperty("reason").GetString());

        Assert.Single(metrics.Of(SigningKeyLoads, ("outcome", "failed")));
        Assert.Single(metrics.Of(SigningKeyLoads, ("outcome", "ok")));
    }

    [Fact]
    public async Task NoTagCarriesATokenADeviceIdOrADebugToken()
    {
        using var metrics = new MetricsRecorder(_backend);
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
        var secrets = new List<string> { RunningBackend.DebugToken, WrongDebugToken, deviceId, Base64Flexible.Sha256Base64Url(WrongDebugToken) };

        var token = await TokenAsync(RunningBackend.DemoApp, RunningBackend.DebugToken);
        var decoy = await TokenAsync(RunningBackend.DecoyApp, WrongDebugToken);
        secrets.AddRange([token, decoy]);
        (await _backend.AttestDebugAsync(debugToken: WrongDebugToken)).Dispose();
        using (var refreshed = await _backend.RefreshDebugAsync(deviceId))
        {
            secrets.Add((await RunningBackend.ReadJsonAsync(refreshed)).GetProperty("token").GetString()!);
        }

        await _backend.VerifyAsync(token);
        await _backend.VerifyAsync(decoy);

        string[] allowedKeys = ["app", "platform", "outcome", "code", "reason", "flow"];
        // The demo device registers here unless an earlier test of this class registered it first.
        Assert.Equal(
            [AttestDuration, Attestations, Refreshes, TokensIssued, Verifications],
            metrics.All.Select(m => m.Instrument).Where(i => i != "attestation.devices.registered").Distinct().Order(StringComparer.Ordinal));
        foreach (var measurement in metrics.All)
        {
            Assert.All(measurement.Tags.Keys, key => Assert.Contains(key, allowedKeys));
            foreach (var value in measurement.Tags.Values)
            {
                Assert.DoesNotContain(secrets, secret => value is not null && value.Contains(secret, StringComparison.Ordinal));
            }
        }
    }

    private async Task<string> TokenAsync(string appId, string debugToken)
    {
        using var response = await _backend.AttestDebugAsync(appId, debugToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }
}
