using System.Net;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Attestation.TestSupport;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>No token (nor its jti), debug token, bound value, evidence or signing secret reaches the logs, at any level, on success or refusal.</summary>
public class LogHygieneTests
{
    private const string WrongDebugToken = "wrong-debug-token-1234";
    private const string BoundValue = "Bearer user-session-secret-42";

    [Fact]
    public async Task AFullFlowWithRefusalsLogsNoTokenDebugTokenOrSecret()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs);
        var secrets = new List<string> { RunningBackend.DebugToken, WrongDebugToken, SampleSigningSecret() };

        using (var attested = await backend.AttestDebugAsync())
        {
            secrets.Add((await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!);
        }

        using (var decoy = await backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: WrongDebugToken))
        {
            secrets.Add((await RunningBackend.ReadJsonAsync(decoy)).GetProperty("token").GetString()!);
        }

        (await backend.AttestDebugAsync(debugToken: WrongDebugToken)).Dispose();
        using (var refreshed = await backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken)))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            var token = (await RunningBackend.ReadJsonAsync(refreshed)).GetProperty("token").GetString()!;
            secrets.Add(token);
            await backend.VerifyAsync(token, consume: true);
            await backend.VerifyAsync(token, consume: true);
        }

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, line => line.Contains("Decoy token issued", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs.AllText, StringComparison.Ordinal);
        }

        // A JWT's header and payload are secret-free on their own, but no fragment of one should be logged either.
        Assert.DoesNotContain("eyJ", logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPlatformFlowAndFailureLogsNoTokenJtiDebugTokenBoundValueOrEvidence()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs);
        var secrets = new List<string> { RunningBackend.DebugToken, WrongDebugToken, BoundValue, SampleSigningSecret() };
        var tokens = new List<string>();
        var binding = Base64Flexible.Sha256Base64Url(BoundValue);
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);

        // Debug: attest (bound), refresh, and every verify outcome.
        tokens.Add(await TokenAsync(backend.AttestDebugAsync(binding: binding)));
        tokens.Add(await TokenAsync(backend.RefreshDebugAsync(deviceId, binding: binding)));
        await backend.VerifyAsync(tokens[0], BoundValue);
        await backend.VerifyAsync(tokens[0], "Bearer another-session");
        await backend.VerifyAsync(tokens[1], consume: true);
        await backend.VerifyAsync(tokens[1], consume: true);
        await backend.VerifyAsync(tokens[1][..^4]);
        await backend.VerifyAsync("not-a-jwt");

        // Decoy: a forged attestation, a replayed challenge, an unknown device's refresh.
        tokens.Add(await TokenAsync(backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: WrongDebugToken)));
        var challenge = await backend.ChallengeAsync(RunningBackend.DecoyApp);
        tokens.Add(await TokenAsync(backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge)));
        tokens.Add(await TokenAsync(backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge)));
        (await backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url("never-attested"), RunningBackend.DecoyApp)).Dispose();
        await backend.VerifyAsync(tokens[^1]);

        // Refusals: wrong debug token (attest and refresh), unknown app, unknown platform, malformed and oversized bodies.
        (await backend.AttestDebugAsync(debugToken: WrongDebugToken)).Dispose();
        (await backend.RefreshDebugAsync(deviceId, debugToken: WrongDebugToken)).Dispose();
        (await backend.RefreshDebugAsync(Base64Flexible.Sha256Base64Url("never-attested"))).Dispose();
        (await backend.PostAsync("/api/v1/attest", new { appId = "com.contoso.unknown", platform = "debug", challenge = "x", evidence = new { debugToken = RunningBackend.DebugToken } })).Dispose();
        (await backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "symbian", challenge = await backend.ChallengeAsync(), evidence = new { debugToken = RunningBackend.DebugToken } })).Dispose();
        (await backend.PostRawAsync("/api/v1/attest", $$"""{"appId": "{{RunningBackend.DemoApp}}", "evidence": {"debugToken": "{{RunningBackend.DebugToken}}" """)).Dispose();
        (await backend.PostRawAsync("/api/v1/verify", $$"""{"token": "{{tokens[0]}}", "binding": "{{new string('A', 70_000)}}"}""")).Dispose();

        // Every other platform, with evidence that does not verify: whatever its verifier logs must not hold the evidence.
        var evidence = new Dictionary<string, object>
        {
            ["apple-app-attest"] = new { keyId = Base64Flexible.ToBase64Url(new byte[32]), attestationObject = Convert.ToBase64String("apple-attestation-object-bytes"u8.ToArray()) },
            ["android-key-attestation"] = new { certificateChain = new[] { Convert.ToBase64String("android-leaf-certificate-bytes"u8.ToArray()) } },
            ["play-integrity"] = new { integrityToken = "play.integrity.token-secret-value" },
        };
        secrets.AddRange(["YXBwbGUtYXR0ZXN0YXRpb24tb2JqZWN0LWJ5dGVz", "YW5kcm9pZC1sZWFmLWNlcnRpZmljYXRlLWJ5dGVz", "play.integrity.token-secret-value"]);
        foreach (var appId in new[] { RunningBackend.DemoApp, RunningBackend.DecoyApp })
        {
            foreach (var (platform, body) in evidence)
            {
                (await backend.PostAsync("/api/v1/attest", new { appId, platform, challenge = await backend.ChallengeAsync(appId), evidence = body })).Dispose();
            }
        }

        Assert.Contains(logs.Lines, line => line.Contains("Decoy token issued", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("Refused app", StringComparison.Ordinal));
        AssertHoldsNone(logs, secrets, tokens);
    }

    [Fact]
    public async Task AKeyVaultRotationAndOutageLogNoSigningSecret()
    {
        using var logs = new CapturingLoggerProvider();
        await using var vault = await FakeKeyVaultServer.StartAsync();
        string[] vaultSecrets = [Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()), Convert.ToBase64String(Enumerable.Repeat((byte)8, 32).ToArray()), Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray())];
        vault.AddVersion("token-signing-key", vaultSecrets[0], DateTimeOffset.UtcNow.AddDays(-1));
        vault.AddVersion("challenge-key", vaultSecrets[2], DateTimeOffset.UtcNow.AddDays(-1));
        var client = vault.CreateSecretClient();
        await using var backend = await RunningBackend.StartAsync(
            logs: logs,
            services: s => s.AddSingleton(client),
            settings: [$"--Attestation:SigningKey:KeyVaultUri={vault.VaultUri}"]);
        var provider = (Attestation.Azure.KeyVault.KeyVaultSigningKeyProvider)backend.Services.GetRequiredService<Attestation.Core.Tokens.ISigningKeyProvider>();
        var tokens = new List<string> { await TokenAsync(backend.AttestDebugAsync()) };

        vault.AddVersion("token-signing-key", vaultSecrets[1], DateTimeOffset.UtcNow);
        await provider.RefreshAsync();
        tokens.Add(await TokenAsync(backend.AttestDebugAsync()));
        vault.Unavailable = true;
        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.RefreshAsync());
        Assert.Equal("Key Vault", outage.Dependency);
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, Assert.IsType<RequestFailedException>(outage.InnerException).Status);
        (await backend.Client.GetAsync("/api/health")).Dispose();
        await backend.VerifyAsync(tokens[0]);

        Assert.Contains(logs.Lines, line => line.Contains("Loaded token signing key versions", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("Loaded challenge key versions", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("Loading the token signing key from Key Vault failed", StringComparison.Ordinal));
        AssertHoldsNone(logs, [.. vaultSecrets, RunningBackend.DebugToken], tokens);
    }

    /// <summary>No secret, no token, none of a token's signature or jti, and no fragment of any JWT (its "eyJ" prefix).</summary>
    private static void AssertHoldsNone(CapturingLoggerProvider logs, IEnumerable<string> secrets, IEnumerable<string> tokens)
    {
        Assert.NotEmpty(logs.Lines);
        var text = logs.AllText;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        foreach (var token in tokens)
        {
            var jwt = new JsonWebToken(token);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(jwt.EncodedSignature, text, StringComparison.Ordinal);
            Assert.DoesNotContain(jwt.Id, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task TheAdminApiAndEntraIdCallersLogNoDebugTokenKeyOrBearerToken()
    {
        var fixture = new EntraIdBackendFixture();
        await fixture.InitializeAsync();
        try
        {
            var appId = $"com.test.{Guid.NewGuid():N}";
            var adminToken = fixture.DebugGrantorToken();
            var expired = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, EntraIdBackendFixture.ClientId, [Attestation.Functions.Security.CallerAuthorization.AdminRole], expires: DateTimeOffset.UtcNow.AddHours(-1), issuedAt: DateTimeOffset.UtcNow.AddHours(-2));
            var secrets = new List<string> { adminToken, expired, RunningBackend.VerifyKey };

            (await fixture.SendAsync(HttpMethod.Post, "/api/v1/admin/apps", adminToken, new { appId, platforms = new[] { "debug" }, debugTokenSha256 = new[] { new string('0', 64) } })).Dispose();
            using var created = await fixture.SendAsync(HttpMethod.Post, $"/api/v1/admin/apps/{appId}/debug-tokens", adminToken);
            var debug = await RunningBackend.ReadJsonAsync(created);
            secrets.Add(debug.GetProperty("debugToken").GetString()!);
            using var attested = await fixture.Backend.AttestDebugAsync(appId, debug.GetProperty("debugToken").GetString()!);
            secrets.Add((await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!);
            (await fixture.SendAsync(HttpMethod.Get, "/api/v1/admin/apps", expired)).Dispose();
            (await fixture.SendAsync(HttpMethod.Get, "/api/v1/admin/apps", fixture.Token(Attestation.Functions.Security.CallerAuthorization.VerifyRole))).Dispose();
            (await fixture.SendAsync(HttpMethod.Delete, $"/api/v1/admin/apps/{appId}/debug-tokens/{debug.GetProperty("id").GetString()}", adminToken)).Dispose();

            Assert.Contains(fixture.Logs.Lines, line => line.Contains("debug token", StringComparison.OrdinalIgnoreCase) && line.Contains(appId, StringComparison.Ordinal));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, fixture.Logs.AllText, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("eyJ", fixture.Logs.AllText, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task NoChallengeItsRandomPartItsMacOrTheChallengeKeyReachesTheLogsWhateverTheRefusal()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs);
        var used = await backend.ChallengeAsync();
        var otherApps = await backend.ChallengeAsync(RunningBackend.DecoyApp);
        var decoys = await backend.ChallengeAsync(RunningBackend.DecoyApp);
        var forged = used[..^2] + (used[^2] == 'A' ? "B" : "A") + used[^1];

        Assert.Equal(HttpStatusCode.OK, (await backend.AttestDebugAsync(challenge: used)).StatusCode);
        foreach (var challenge in new[] { used, forged, used[..^1], otherApps })
        {
            using var refused = await backend.AttestDebugAsync(challenge: challenge);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        (await backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: decoys)).Dispose();
        (await backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: decoys)).Dispose();

        Assert.Contains(logs.Lines, line => line.Contains("challenge_invalid", StringComparison.Ordinal));
        var text = logs.AllText;
        Assert.DoesNotContain(SampleSetting("Attestation__ChallengeKey__Current__Secret"), text, StringComparison.Ordinal);
        foreach (var challenge in new[] { used, forged, otherApps, decoys })
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(challenge);
            Assert.DoesNotContain(challenge[..^1], text, StringComparison.Ordinal);
            Assert.DoesNotContain(System.Buffers.Text.Base64Url.EncodeToString(bytes.AsSpan(13, 32)), text, StringComparison.Ordinal);
            Assert.DoesNotContain(System.Buffers.Text.Base64Url.EncodeToString(bytes.AsSpan(45, 32)), text, StringComparison.Ordinal);
            Assert.DoesNotContain(challenge[61..], text, StringComparison.Ordinal);
        }
    }

    private static string SampleSigningSecret() => SampleSetting("Attestation__SigningKey__Current__Secret");

    private static string SampleSetting(string name)
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty(name).GetString()!;
    }
}
