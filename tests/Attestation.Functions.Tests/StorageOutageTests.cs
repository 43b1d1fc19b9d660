using System.Net;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

public class StorageOutageTests
{
    [Fact]
    public async Task WhileAzuriteIsStoppedChallengesAreIssuedAttestAnswers503AndAChallengeItCouldNotConsumeWorksOnceStorageIsBack()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        using (var healthy = await backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        var challengeBeforeOutage = await backend.ChallengeAsync();
        await azurite.StopAsync();

        // docs/api.md: issuing a challenge needs no storage.
        var challengeDuringOutage = await backend.ChallengeAsync();

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

        // The attest that met the outage wrote no used marker, so its challenge still works; so does one issued during the outage.
        using (var recovered = await backend.AttestDebugAsync(challenge: challengeBeforeOutage))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }

        using var issuedDuringOutage = await backend.AttestDebugAsync(challenge: challengeDuringOutage);
        Assert.Equal(HttpStatusCode.OK, issuedDuringOutage.StatusCode);
    }
}
