using System.Net;
using Attestation.Core.Administration;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;
using Attestation.Core.Revocation;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests;

public class StorageOutageTests
{
    [Fact]
    public async Task DuringAnOutageChallengesAreIssuedAttestAnswers503AndAChallengeItCouldNotConsumeWorksOnceStorageIsBack()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(clock));
        using (var healthy = await backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        var challengeBeforeOutage = await backend.ChallengeAsync();

        // An interruption, not a stop: storage keeps its data, so what the outage left behind can be looked at afterwards.
        azurite.Interrupt();

        // docs/api.md: issuing a challenge needs no storage.
        var challengeDuringOutage = await backend.ChallengeAsync();

        using (var attest = await backend.AttestDebugAsync(challenge: challengeBeforeOutage))
        {
            await ProblemAssert.IsProblemAsync(attest, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.NotNull(attest.Headers.RetryAfter);
        }

        using (var verify = await backend.PostAsync("/api/v1/verify", new { token = "a.b.c" }))
        {
            // A malformed token is refused without storage.
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        }

        using (var health = await backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("degraded", (await RunningBackend.ReadJsonAsync(health)).GetProperty("status").GetString());
        }

        azurite.Resume();

        // Health answers from a probe at most 5 seconds old.
        clock.Advance(TimeSpan.FromSeconds(5));
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

    [Fact]
    public async Task WhileAzuriteIsStoppedRefreshAndConsumingVerifyAre503WithRetryAfter()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        var device = await NewDeviceAsync(backend);
        var challenge = await backend.ChallengeAsync();
        await azurite.StopAsync();

        using var refresh = await backend.RefreshDebugAsync(device.DeviceId, debugToken: device.DebugToken, challenge: challenge);
        using var consuming = await backend.PostAsync("/api/v1/verify", new { token = device.Token, consume = true });

        // docs/api.md: a dependency outage is 503 unavailable with Retry-After in seconds.
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(refresh.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 at refresh must say when to retry");
        await ProblemAssert.IsProblemAsync(consuming, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(consuming.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 at verify with consume must say when to retry");
    }

    [Fact]
    public async Task RefreshAndConsumingVerifyThatMeetAnOutageLeaveNothingBehind()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        var device = await NewDeviceAsync(backend);
        var challenge = await backend.ChallengeAsync();

        // A first verify loads the revocation view, so that the consume below gets as far as its write.
        Assert.True((await backend.VerifyAsync(device.Token)).GetProperty("valid").GetBoolean());
        azurite.Interrupt();

        using (var refresh = await backend.RefreshDebugAsync(device.DeviceId, debugToken: device.DebugToken, challenge: challenge))
        {
            await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.ServiceUnavailable, "unavailable");
        }

        using (var consuming = await backend.PostAsync("/api/v1/verify", new { token = device.Token, consume = true }))
        {
            await ProblemAssert.IsProblemAsync(consuming, HttpStatusCode.ServiceUnavailable, "unavailable");
        }

        azurite.Resume();

        // The refresh wrote no used marker (its challenge still works) and the consume no consumed mark (the token is
        // still usable exactly once): storage kept its data through the interruption, so these would show a half write.
        using (var refresh = await backend.RefreshDebugAsync(device.DeviceId, debugToken: device.DebugToken, challenge: challenge))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }

        using (var consumed = await backend.PostAsync("/api/v1/verify", new { token = device.Token, consume = true }))
        {
            var body = await RunningBackend.ReadJsonAsync(consumed);
            Assert.True(consumed.StatusCode == HttpStatusCode.OK && body.GetProperty("valid").GetBoolean(), body.ToString());
        }

        using var again = await backend.PostAsync("/api/v1/verify", new { token = device.Token, consume = true });
        Assert.Equal("already_consumed", (await RunningBackend.ReadJsonAsync(again)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task WhileAzuriteIsStoppedVerifyAnswersFromTheLastRevocationView()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        var kept = await NewDeviceAsync(backend);
        var revoked = await NewDeviceAsync(backend);
        await backend.Services.GetRequiredService<DeviceAdministration>().SetStatusAsync(RunningBackend.DemoApp, revoked.DeviceId, DeviceStatus.Revoked);
        Assert.True((await backend.VerifyAsync(kept.Token)).GetProperty("valid").GetBoolean());

        await azurite.StopAsync();
        var view = backend.Services.GetRequiredService<RevocationView>();
        await Assert.ThrowsAsync<Attestation.Core.Errors.DependencyUnavailableException>(() => view.RefreshAsync());

        Assert.True((await backend.VerifyAsync(kept.Token)).GetProperty("valid").GetBoolean());
        Assert.Equal("device_revoked", (await backend.VerifyAsync(revoked.Token)).GetProperty("reason").GetString());
        using var consuming = await backend.PostAsync("/api/v1/verify", new { token = kept.Token, consume = true });
        await ProblemAssert.IsProblemAsync(consuming, HttpStatusCode.ServiceUnavailable, "unavailable");
    }

    [Fact]
    public async Task BeforeTheFirstReadOfTheRevocationLogAValidTokenIs503AndValidOnceStorageAnswers()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await azurite.StopAsync();
        await using var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        var keys = await backend.Services.GetRequiredService<ISigningKeyProvider>().GetKeysAsync();
        var token = backend.Services.GetRequiredService<TokenIssuer>().Issue(keys, new TokenSubject("bmV2ZXItcmVhZA", RunningBackend.DemoApp, PlatformNames.Debug, null)).Token;

        using (var unknown = await backend.PostAsync("/api/v1/verify", new { token }))
        {
            await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.NotNull(unknown.Headers.RetryAfter);
        }

        await azurite.StartAgainAsync();
        await backend.Services.GetRequiredService<RevocationView>().RefreshAsync();

        Assert.True((await backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    private static async Task<(string Token, string DeviceId, string DebugToken)> NewDeviceAsync(RunningBackend backend)
    {
        var created = await backend.Services.GetRequiredService<AppAdministration>().CreateDebugTokenAsync(RunningBackend.DemoApp, DebugAccessRight.Held);
        using var response = await backend.AttestDebugAsync(debugToken: created.DebugToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!, created.Id, created.DebugToken);
    }
}
