using System.Net;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

public class StorageOutageTests
{
    [Fact]
    public async Task WhileAzuriteIsStoppedTheApiAnswers503WithRetryAfterAndRecoversWhenItIsBack()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        using (var healthy = await backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        var challengeBeforeOutage = await backend.ChallengeAsync();
        await azurite.StopAsync();

        using (var challenge = await backend.PostAsync("/api/v1/challenge", new { appId = RunningBackend.DemoApp }))
        {
            await ProblemAssert.IsProblemAsync(challenge, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.NotNull(challenge.Headers.RetryAfter);
        }

        using (var attest = await backend.AttestDebugAsync(challenge: challengeBeforeOutage))
        {
            await ProblemAssert.IsProblemAsync(attest, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.NotNull(attest.Headers.RetryAfter);
        }

        using (var verify = await backend.PostAsync("/api/v1/verify", new { token = "a.b.c" }))
        {
            // A malformed token is refused without storage; verification needs storage only for tokens that verify.
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        }

        using (var health = await backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("degraded", (await RunningBackend.ReadJsonAsync(health)).GetProperty("status").GetString());
        }

        await azurite.StartAgainAsync();

        using (var health = await backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("ok", (await RunningBackend.ReadJsonAsync(health)).GetProperty("status").GetString());
        }

        using var recovered = await backend.AttestDebugAsync();
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }
}
