using System.Net;
using System.Text.Json;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

/// <summary>No token, debug token or signing secret reaches the logs, on success or refusal.</summary>
public class LogHygieneTests
{
    [Fact]
    public async Task AFullFlowWithRefusalsLogsNoTokenDebugTokenOrSecret()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs);
        var secrets = new List<string> { RunningBackend.DebugToken, "wrong-debug-token-1234", SampleSigningSecret() };

        using (var attested = await backend.AttestDebugAsync())
        {
            secrets.Add((await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!);
        }

        using (var decoy = await backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: "wrong-debug-token-1234"))
        {
            secrets.Add((await RunningBackend.ReadJsonAsync(decoy)).GetProperty("token").GetString()!);
        }

        (await backend.AttestDebugAsync(debugToken: "wrong-debug-token-1234")).Dispose();
        using (var refreshed = await backend.RefreshDebugAsync(Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken)))
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
    public async Task TheAdminApiAndEntraIdCallersLogNoDebugTokenKeyOrBearerToken()
    {
        var fixture = new EntraIdBackendFixture();
        await fixture.InitializeAsync();
        try
        {
            var appId = $"com.test.{Guid.NewGuid():N}";
            var adminToken = fixture.AdminToken();
            var expired = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, EntraIdBackendFixture.ClientId, [Security.CallerAuthorization.AdminRole], expires: DateTimeOffset.UtcNow.AddHours(-1), issuedAt: DateTimeOffset.UtcNow.AddHours(-2));
            var secrets = new List<string> { adminToken, expired, RunningBackend.VerifyKey };

            (await fixture.SendAsync(HttpMethod.Post, "/api/v1/admin/apps", adminToken, new { appId, platforms = new[] { "debug" }, debugTokenSha256 = new[] { new string('0', 64) } })).Dispose();
            using var created = await fixture.SendAsync(HttpMethod.Post, $"/api/v1/admin/apps/{appId}/debug-tokens", adminToken);
            var debug = await RunningBackend.ReadJsonAsync(created);
            secrets.Add(debug.GetProperty("debugToken").GetString()!);
            using var attested = await fixture.Backend.AttestDebugAsync(appId, debug.GetProperty("debugToken").GetString()!);
            secrets.Add((await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!);
            (await fixture.SendAsync(HttpMethod.Get, "/api/v1/admin/apps", expired)).Dispose();
            (await fixture.SendAsync(HttpMethod.Get, "/api/v1/admin/apps", fixture.Token(Security.CallerAuthorization.VerifyRole))).Dispose();
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

    private static string SampleSigningSecret()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Attestation__SigningKey__Current__Secret").GetString()!;
    }
}
