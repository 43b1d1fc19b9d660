using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Caching;

/// <summary>
/// The refreshing value on a <see cref="FakeTimeProvider"/>, with a loader the test steers. Timing and outage here; the tests
/// that force an interleaving of concurrent callers are in <c>RefreshingValueTests.Concurrency.cs</c>.
/// </summary>
public sealed partial class RefreshingValueTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelayWithoutValue = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedLoader _loader = new();

    [Fact]
    public async Task TheFirstCallerLoadsAndLaterCallersWithinTheIntervalMakeNoLoad()
    {
        using var value = Create();

        Assert.Equal("v1", await value.GetAsync());
        _clock.Advance(Interval - TimeSpan.FromTicks(1));

        Assert.Equal("v1", await value.GetAsync());
        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task PastTheIntervalTheNextCallerGetsTheHeldValueAndTheReloadRunsInTheBackground()
    {
        using var value = Create();
        await value.GetAsync();
        _clock.Advance(Interval);

        Assert.Equal("v1", await value.GetAsync());
        await value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("v2", await value.GetAsync());
        Assert.Equal(2, _loader.Calls);
    }

    [Fact]
    public async Task WithWaitForReloadTheCallerPastTheIntervalGetsTheReloadedValue()
    {
        using var value = Create(waitForReload: true);
        await value.GetAsync();
        _clock.Advance(Interval);

        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task AFailedFirstLoadReachesTheCallerAsTheLoadersOwnException()
    {
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));
        using var value = Create();

        var thrown = await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());

        Assert.Same(_loader.Failure, thrown);
        Assert.False(value.HasValue);
        Assert.True(value.LastLoadFailed);
    }

    [Fact]
    public async Task AFailedFirstLoadIsRememberedForTheRetryDelayWithoutValueThenTriedAgain()
    {
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));
        using var value = Create();
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());

        _clock.Advance(RetryDelayWithoutValue - TimeSpan.FromTicks(1));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());
        Assert.Equal(1, _loader.Calls);

        _loader.Failure = null;
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("v2", await value.GetAsync());
        Assert.False(value.LastLoadFailed);
    }

    [Fact]
    public async Task AFailedReloadKeepsServingTheLastGoodValueAndWaitsTheRetryDelayBeforeTheNextTry()
    {
        using var value = Create();
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));
        _clock.Advance(Interval);

        Assert.Equal("v1", await value.GetAsync());
        var failedReload = value.LatestLoad;
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => failedReload);
        _clock.Advance(RetryDelay - TimeSpan.FromTicks(1));
        Assert.Equal("v1", await value.GetAsync());
        Assert.Same(failedReload, value.LatestLoad);
        Assert.True(value.HasValue);

        _loader.Failure = null;
        _clock.Advance(TimeSpan.FromTicks(1));
        await value.GetAsync();
        await value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("v3", await value.GetAsync());
    }

    [Fact]
    public async Task TheLastGoodValueIsServedUntilTheMaximumStaleAgeAndThenTheFailureIsThrown()
    {
        var maxStaleAge = TimeSpan.FromHours(1);
        using var value = Create(waitForReload: true, maxStaleAge: maxStaleAge);
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Android attestation status list", new IOException("down"));

        _clock.Advance(maxStaleAge - TimeSpan.FromTicks(1));
        Assert.Equal("v1", await value.GetAsync());

        _clock.Advance(TimeSpan.FromTicks(1));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());
        Assert.False(value.HasValue);
    }

    [Fact]
    public async Task WithinTheRetryDelayAValueTooOldToServeAnswersTheRememberedFailureWithoutALoad()
    {
        var maxStaleAge = TimeSpan.FromHours(1);
        using var value = Create(waitForReload: true, maxStaleAge: maxStaleAge);
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Android attestation status list", new IOException("down"));
        _clock.Advance(maxStaleAge);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());

        var again = await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.GetAsync().AsTask());

        Assert.Same(_loader.Failure, again);
        Assert.Equal(2, _loader.Calls);
    }

    [Fact]
    public async Task AValueOlderThanTheMaximumStaleAgeIsNotServedWhileTheBackgroundReloadRuns()
    {
        var maxStaleAge = Interval * 2;
        using var value = Create(maxStaleAge: maxStaleAge);
        await value.GetAsync();
        _clock.Advance(maxStaleAge);
        _loader.Hold();

        var waiting = value.GetAsync().AsTask();
        await _loader.WaitForCallsAsync(2);
        Assert.False(waiting.IsCompleted);

        _loader.Release();
        Assert.Equal("v2", await waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task AMaximumStaleAgeShorterThanTheIntervalAlsoBoundsTheFreshValue()
    {
        using var value = Create(waitForReload: true, maxStaleAge: Interval / 5);
        await value.GetAsync();

        _clock.Advance(Interval / 5);

        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task AgesAreMeasuredOnTheMonotonicClockNotTheWallClock()
    {
        var clock = new WallClockThatJumps(_clock);
        using var value = Create(waitForReload: true, timeProvider: clock);
        await value.GetAsync();

        clock.Wall += TimeSpan.FromDays(1);
        Assert.Equal("v1", await value.GetAsync());
        clock.Wall -= TimeSpan.FromDays(2);
        _clock.Advance(Interval);

        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task AfterInvalidateTheNextCallerWaitsForANewLoad()
    {
        using var value = Create();
        await value.GetAsync();

        value.Invalidate();

        Assert.Equal("v2", await value.GetAsync());
        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task InvalidateLetsTheNextCallerTryWithinTheRetryDelayAndAFailedTryServesTheLastGoodValue()
    {
        using var value = Create();
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Table Storage", new IOException("down"));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.ReloadAsync());

        value.Invalidate();

        Assert.Equal("v1", await value.GetAsync());
        Assert.Equal(3, _loader.Calls);
        Assert.Equal("v1", await value.GetAsync());
        Assert.Equal(3, _loader.Calls);
    }

    [Fact]
    public async Task ReloadLoadsAtOnceWithinTheIntervalAndWithinTheRetryDelay()
    {
        using var value = Create();
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.ReloadAsync());
        Assert.Equal("v1", await value.GetAsync());
        Assert.True(value.LastLoadFailed);
        _loader.Failure = null;

        Assert.Equal("v3", await value.ReloadAsync());
        Assert.Equal("v3", await value.GetAsync());
        Assert.False(value.LastLoadFailed);
    }

    [Fact]
    public async Task WithReloadOnTimerTheEndOfTheIntervalReloadsWithoutACaller()
    {
        using var value = Create(reloadOnTimer: true);
        await value.GetAsync();

        _clock.Advance(Interval);
        await value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, _loader.Calls);
        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task WithReloadOnTimerAFailedReloadIsTriedAgainAfterTheRetryDelay()
    {
        using var value = Create(reloadOnTimer: true);
        await value.GetAsync();
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));
        _clock.Advance(Interval);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30)));
        _loader.Failure = null;

        _clock.Advance(RetryDelay - TimeSpan.FromTicks(1));
        Assert.Equal(2, _loader.Calls);
        _clock.Advance(TimeSpan.FromTicks(1));
        await value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("v3", await value.GetAsync());
    }

    [Fact]
    public async Task DisposeStopsTheTimer()
    {
        var value = Create(reloadOnTimer: true);
        await value.GetAsync();

        value.Dispose();
        _clock.Advance(Interval * 3);
        await value.LatestLoad.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _loader.Calls);
    }

    [Theory]
    [InlineData(0, 30, 60)]
    [InlineData(300, -1, 60)]
    [InlineData(300, 30, 0)]
    public void ATimingThatCannotWorkIsRefused(int refreshSeconds, int retrySeconds, int maxStaleSeconds)
    {
        var options = new RefreshingValueOptions
        {
            RefreshInterval = TimeSpan.FromSeconds(refreshSeconds),
            RetryDelay = TimeSpan.FromSeconds(retrySeconds),
            MaxStaleAge = TimeSpan.FromSeconds(maxStaleSeconds),
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => new RefreshingValue<string>(_loader.LoadAsync, options, _clock));
    }

    private RefreshingValue<string> Create(bool waitForReload = false, TimeSpan? maxStaleAge = null, bool reloadOnTimer = false, TimeProvider? timeProvider = null) =>
        new(
            _loader.LoadAsync,
            new RefreshingValueOptions
            {
                RefreshInterval = Interval,
                WaitForReload = waitForReload,
                MaxStaleAge = maxStaleAge ?? TimeSpan.MaxValue,
                RetryDelay = RetryDelay,
                RetryDelayWithoutValue = RetryDelayWithoutValue,
                ReloadOnTimer = reloadOnTimer,
            },
            timeProvider ?? _clock);

    /// <summary>Monotonic time from a <see cref="FakeTimeProvider"/>, and a wall clock the test sets anywhere.</summary>
    private sealed class WallClockThatJumps(FakeTimeProvider monotonic) : TimeProvider
    {
        public DateTimeOffset Wall { get; set; } = monotonic.GetUtcNow();

        public override long TimestampFrequency => monotonic.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => Wall;

        public override long GetTimestamp() => monotonic.GetTimestamp();
    }
}
