using System.Net;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging;

namespace Attestation.Client.Tests;

public sealed class AttestationTokenSourceTests : IDisposable
{
    private const string Attest = "/api/v1/attest";
    private const string Refresh = "/api/v1/token/refresh";
    private const string Challenge = "/api/v1/challenge";

    private readonly SignallingClock _clock = new();
    private readonly FakeBackend _backend;
    private readonly HttpClient _http;
    private readonly CountingProvider _provider = new();

    public AttestationTokenSourceTests()
    {
        _backend = new FakeBackend { Clock = _clock };
        _http = new HttpClient(_backend);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheFirstCallAttestsAndLaterCallsGetTheCachedToken()
    {
        using var source = Source();

        var first = await source.GetTokenAsync();
        var second = await source.GetTokenAsync();

        Assert.Same(first, second);
        Assert.Equal(1, _backend.Count(Challenge));
        Assert.Equal(1, _backend.Count(Attest));
        var attest = _backend.Requests.Single(r => r.Route == Attest).Json;
        Assert.Equal("debug", attest.GetProperty("platform").GetString());
        Assert.Equal("challenge-1", attest.GetProperty("challenge").GetString());
        Assert.Equal(CountingProvider.Secret, attest.GetProperty("evidence").GetProperty("debugToken").GetString());
        Assert.Equal("device-1", source.DeviceId);
    }

    [Fact]
    public async Task ACallInTheLastShareOfTheLifetimeRefreshesWithTheDeviceIdAndAFreshChallenge()
    {
        using var source = Source(new AttestationTokenSourceOptions { RefreshAheadShare = 0.2 });
        var first = await source.GetTokenAsync();

        _clock.Advance(TimeSpan.FromMinutes(4) - TimeSpan.FromSeconds(1));
        Assert.Same(first, await source.GetTokenAsync());
        _clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await source.GetTokenAsync();

        Assert.NotEqual(first.Value, refreshed.Value);
        Assert.Equal(1, _backend.Count(Attest));
        var refresh = _backend.Requests.Single(r => r.Route == Refresh).Json;
        Assert.Equal("device-1", refresh.GetProperty("deviceId").GetString());
        Assert.Equal("challenge-2", refresh.GetProperty("challenge").GetString());
        Assert.Equal(CountingProvider.Secret, refresh.GetProperty("proof").GetProperty("debugToken").GetString());
    }

    [Fact]
    public async Task ADeviceIdKeptFromAnEarlierRunRefreshesFirstAndANewOneIsReported()
    {
        var reported = new List<string>();
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "kept-device", DeviceIdChanged = reported.Add });

        await source.GetTokenAsync();

        Assert.Equal(0, _backend.Count(Attest));
        Assert.Equal("kept-device", _backend.Requests.Single(r => r.Route == Refresh).Json.GetProperty("deviceId").GetString());
        Assert.Equal(["device-1"], reported);
    }

    [Fact]
    public async Task AProviderThatCannotRefreshAttestsWithTheChallengeItWasGiven()
    {
        var provider = new CountingProvider(canRefresh: false);
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "play-device" }, provider: provider);

        await source.GetTokenAsync();

        Assert.Equal(0, _backend.Count(Refresh));
        Assert.Equal(1, _backend.Count(Challenge));
        Assert.Equal("challenge-1", _backend.Requests.Single(r => r.Route == Attest).Json.GetProperty("challenge").GetString());
    }

    [Fact]
    public async Task NewChallengeRetriesOnceWithANewChallenge()
    {
        _backend.Script(Attest, () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "challenge_invalid", "new_challenge"));
        using var source = Source();

        await source.GetTokenAsync();

        Assert.Equal(["challenge-1", "challenge-2"], _backend.Requests.Where(r => r.Route == Attest).Select(r => r.Json.GetProperty("challenge").GetString()));
    }

    [Fact]
    public async Task ASecondNewChallengeReachesTheCaller()
    {
        _backend.Script(
            Attest,
            () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "challenge_invalid", "new_challenge"),
            () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "challenge_invalid", "new_challenge"));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(AttestationAction.NewChallenge, refused.Action);
        Assert.Equal("challenge_invalid", refused.Code);
        Assert.Equal(2, _backend.Count(Attest));
    }

    [Fact]
    public async Task AttestAtRefreshAttestsAgainAndKeepsTheKey()
    {
        _backend.Script(Refresh, () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "attestation_required", "attest"));
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "old-device" });

        var token = await source.GetTokenAsync();

        Assert.Equal("device-1", token.DeviceId);
        Assert.Equal(1, _backend.Count(Refresh));
        Assert.Equal(1, _backend.Count(Attest));
        Assert.Equal(0, _provider.Resets);
    }

    [Fact]
    public async Task AttestAnsweredToAttestIsTriedOnceMoreThenReachesTheCaller()
    {
        _backend.Script(
            Attest,
            () => FakeBackend.Problem(HttpStatusCode.BadRequest, "refresh_unsupported", "attest"),
            () => FakeBackend.Problem(HttpStatusCode.BadRequest, "refresh_unsupported", "attest"));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(AttestationAction.Attest, refused.Action);
        Assert.Equal(2, _backend.Count(Attest));
    }

    [Fact]
    public async Task NewKeyResetsTheProvidersKeyThenAttests()
    {
        _backend.Script(Refresh, () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "attestation_invalid", "new_key"));
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "old-device" });

        var token = await source.GetTokenAsync();

        Assert.Equal(1, _provider.Resets);
        Assert.Equal(1, _provider.Attests);
        Assert.Equal("device-1", token.DeviceId);
    }

    [Fact]
    public async Task ASecondNewKeyReachesTheCallerAfterOneReset()
    {
        _backend.Script(
            Attest,
            () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "attestation_invalid", "new_key"),
            () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "attestation_invalid", "new_key"));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(AttestationAction.NewKey, refused.Action);
        Assert.Equal(1, _provider.Resets);
        Assert.Equal(2, _backend.Count(Attest));
    }

    [Fact]
    public async Task RetryLaterWaitsForRetryAfterPlusJitterThenRetriesWithANewChallenge()
    {
        _backend.Script(Attest, () => FakeBackend.Problem(HttpStatusCode.ServiceUnavailable, "unavailable", "retry_later", TimeSpan.FromSeconds(10)));
        using var source = Source(random: new FixedRandom(0.5));

        var pending = source.GetTokenAsync();
        var due = await _clock.NextTimerAsync();

        // 10 s and a fifth of it times the drawn 0.5.
        Assert.Equal(TimeSpan.FromSeconds(11), due);
        _clock.Advance(due - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, _backend.Count(Attest));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await pending;
        Assert.Equal(["challenge-1", "challenge-2"], _backend.Requests.Where(r => r.Route == Attest).Select(r => r.Json.GetProperty("challenge").GetString()));
        Assert.Equal(0, _provider.Resets);
    }

    [Fact]
    public async Task RetryLaterWithoutRetryAfterBacksOffDoublingUpToTheBoundThenReachesTheCaller()
    {
        for (var i = 0; i < 4; i++)
        {
            _backend.Script(Attest, () => FakeBackend.Problem(HttpStatusCode.ServiceUnavailable, "unavailable", "retry_later"));
        }

        using var source = Source(
            new AttestationTokenSourceOptions { MaxRetryLaterAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(3) },
            random: new FixedRandom(0));

        var pending = source.GetTokenAsync();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var due = await _clock.NextTimerAsync();
            waits.Add(due);
            _clock.Advance(due);
        }

        // Bounded so that a source that kept waiting fails this test (a TimeoutException) instead of hanging it.
        var refused = await Assert.ThrowsAsync<AttestationException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], waits);
        Assert.Equal(AttestationAction.RetryLater, refused.Action);
        Assert.Equal(4, _backend.Count(Attest));
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheLongestWaitReachesTheCallerAtOnceWithTheWait()
    {
        _backend.Script(Attest, () => FakeBackend.Problem(HttpStatusCode.ServiceUnavailable, "unavailable", "retry_later", TimeSpan.FromHours(3)));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(TimeSpan.FromHours(3), refused.RetryAfter);
        Assert.Equal(1, _backend.Count(Attest));
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "device_revoked", "stop", AttestationAction.Stop)]
    [InlineData(HttpStatusCode.Forbidden, "policy_violation", "stop", AttestationAction.Stop)]
    [InlineData(HttpStatusCode.NotFound, "app_unknown", "fix_request", AttestationAction.FixRequest)]
    [InlineData(HttpStatusCode.BadRequest, "invalid_request", "fix_request", AttestationAction.FixRequest)]
    public async Task StopAndFixRequestReachTheCallerAtOnce(HttpStatusCode status, string code, string action, AttestationAction expected)
    {
        _backend.Script(Refresh, () => FakeBackend.Problem(status, code, action));
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "device-1" });

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(expected, refused.Action);
        Assert.Equal(code, refused.Code);
        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(1, _backend.Requests.Count(r => r.Route != Challenge));
        Assert.Equal(0, _provider.Resets);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html", null)]
    [InlineData(HttpStatusCode.Unauthorized, "{\"code\":\"proof_invalid\"}", "application/problem+json", "proof_invalid")]
    [InlineData(HttpStatusCode.Unauthorized, "{\"code\":\"proof_invalid\",\"action\":\"dance\"}", "application/problem+json", "proof_invalid")]
    [InlineData(HttpStatusCode.Forbidden, "{\"code\":\"<script>\",\"action\":\"attest\"}", "application/problem+json", null)]
    [InlineData(HttpStatusCode.OK, "{\"token\":\"t\"}", "application/json", null)]
    [InlineData(HttpStatusCode.OK, "not json", "application/json", null)]
    [InlineData(HttpStatusCode.OK, "[1,2]", "application/json", null)]
    public async Task AnAnswerThatCannotBeReadIsAnErrorWithTheStatusAndCode(HttpStatusCode status, string body, string mediaType, string? code)
    {
        _backend.Script(Attest, () => FakeBackend.Raw(status, body, mediaType));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(code, refused.Code);
        Assert.Null(refused.Action);
        Assert.Equal(1, _backend.Count(Attest));
        Assert.DoesNotContain("<", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedAnswerIsAnErrorNotAnAllocation()
    {
        _backend.Script(Attest, () => FakeBackend.Raw(HttpStatusCode.OK, new string(' ', 100_000) + "{}", "application/json"));
        using var source = Source();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => source.GetTokenAsync());

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task ConcurrentCallersShareOneAttestationAndLaterOneRefresh()
    {
        using var source = Source();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Gate = gate.Task;

        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => source.GetTokenAsync())).ToArray();
        await WaitUntilAsync(() => _backend.Count(Attest) == 1);
        gate.SetResult();
        var first = await Task.WhenAll(callers);

        _clock.Advance(TimeSpan.FromMinutes(4.5));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Gate = held.Task;
        var refreshers = Enumerable.Range(0, 16).Select(_ => Task.Run(() => source.GetTokenAsync())).ToArray();
        await WaitUntilAsync(() => _backend.Count(Refresh) == 1);
        held.SetResult();
        var second = await Task.WhenAll(refreshers);

        Assert.Single(first.Select(t => t.Value).Distinct());
        Assert.Single(second.Select(t => t.Value).Distinct());
        Assert.NotEqual(first[0].Value, second[0].Value);
        Assert.Equal(1, _backend.Count(Attest));
        Assert.Equal(1, _backend.Count(Refresh));
        Assert.Equal(1, _provider.Proofs);
    }

    [Fact]
    public async Task ABindingSendsOnlyItsHashAndAnotherBindingGetsAnotherToken()
    {
        using var source = Source();

        var alice = await source.GetTokenAsync("Bearer alice");
        var again = await source.GetTokenAsync("Bearer alice");
        var bob = await source.GetTokenAsync("Bearer bob");

        Assert.Same(alice, again);
        Assert.NotEqual(alice.Value, bob.Value);
        var sent = _backend.Requests.Where(r => r.Route is Attest or Refresh).Select(r => r.Json.GetProperty("binding").GetString()!).ToArray();
        Assert.Equal([ChallengeBytes.Binding("Bearer alice"), ChallengeBytes.Binding("Bearer bob")], sent);
        Assert.DoesNotContain(_backend.Requests, r => r.Body!.Contains("alice", StringComparison.Ordinal));

        // SHA-256("abc"), RFC 6234's test vector, in base64url.
        Assert.Equal("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", ChallengeBytes.Binding("abc"));
    }

    [Fact]
    public async Task ACancelledWaitEndsTheCallAndTheNextCallStartsAfresh()
    {
        _backend.Script(Attest, () => FakeBackend.Problem(HttpStatusCode.ServiceUnavailable, "unavailable", "retry_later", TimeSpan.FromSeconds(10)));
        using var source = Source();
        using var cancel = new CancellationTokenSource();

        var pending = source.GetTokenAsync(cancellationToken: cancel.Token);
        await _clock.NextTimerAsync();
        await cancel.CancelAsync();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(cancel.Token, cancelled.CancellationToken);
        Assert.Equal(1, _backend.Count(Attest));
        await source.GetTokenAsync();
        Assert.Equal(2, _backend.Count(Attest));
    }

    [Fact]
    public async Task AnAlreadyCancelledCallSendsNothing()
    {
        using var source = Source();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.GetTokenAsync(cancellationToken: new CancellationToken(canceled: true)));

        Assert.Empty(_backend.Requests);
    }

    [Fact]
    public async Task LogsNameTheDeviceAndTheCodeButNeverATokenOrTheDebugToken()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        _backend.Script(Refresh, () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "device_unknown", "attest"));
        using var source = Source(new AttestationTokenSourceOptions { DeviceId = "old-device" }, factory.CreateLogger<AttestationTokenSource>());

        var token = await source.GetTokenAsync();
        _clock.Advance(TimeSpan.FromMinutes(4.5));
        var refreshed = await source.GetTokenAsync();

        Assert.Contains("device_unknown", logs.AllText, StringComparison.Ordinal);
        Assert.Contains("device-1", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Value, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshed.Value, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(CountingProvider.Secret, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Value, token.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(CountingProvider.Secret, AttestationEvidence.Debug(CountingProvider.Secret).ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private AttestationTokenSource Source(
        AttestationTokenSourceOptions? options = null,
        ILogger<AttestationTokenSource>? logger = null,
        Random? random = null,
        IAttestationProvider? provider = null) =>
        new(new AttestationServiceClient(_http, FakeBackend.Address, "com.contoso.demo", _clock), provider ?? _provider, options, logger, _clock, random ?? new FixedRandom(0.5));
}
