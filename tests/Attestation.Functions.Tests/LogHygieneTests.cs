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

    private static string SampleSigningSecret()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Attestation__SigningKey__Current__Secret").GetString()!;
    }
}
