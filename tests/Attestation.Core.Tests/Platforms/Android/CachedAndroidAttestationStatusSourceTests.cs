using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// The status list cache: one fetch per refresh interval, the last good copy during an outage up to the maximum age, a
/// retry delay after a failure, and 503 when nothing usable is left. How the bytes are fetched is the adapter's (Attestation.Google).
/// </summary>
public sealed class CachedAndroidAttestationStatusSourceTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(AndroidVectors.StatusListSamplePath);

    [Fact]
    public async Task TheListIsFetchedOnceAndCachedForTheRefreshInterval()
    {
        var fetcher = new FakeStatusListFetcher(Sample);
        var (source, time) = Source(fetcher);

        await source.GetAsync();
        await source.GetAsync();
        time.Advance(TimeSpan.FromMinutes(59));
        await source.GetAsync();
        Assert.Equal(1, fetcher.Calls);

        time.Advance(TimeSpan.FromMinutes(2));
        var list = await source.GetAsync();

        Assert.Equal(2, fetcher.Calls);
        Assert.Equal(5, list.Count);
    }

    [Fact]
    public async Task AFailedRefreshFallsBackToTheLastGoodCopyWhileItIsYoungerThanTheMaximumAge()
    {
        var fetcher = new FakeStatusListFetcher(Sample);
        var (source, time) = Source(fetcher);
        await source.GetAsync();

        fetcher.Fail = true;
        time.Advance(TimeSpan.FromHours(2));
        var stale = await source.GetAsync();

        Assert.Equal(5, stale.Count);
        Assert.Equal(2, fetcher.Calls);

        // Within the retry delay, no new fetch: the outage is not hammered.
        await source.GetAsync();
        Assert.Equal(2, fetcher.Calls);

        time.Advance(TimeSpan.FromDays(1));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task AfterTheRetryDelayAFailedRefreshIsTriedAgainAndItsSuccessServes()
    {
        var fetcher = new FakeStatusListFetcher(Sample);
        var (source, time) = Source(fetcher);
        await source.GetAsync();
        fetcher.Fail = true;
        time.Advance(TimeSpan.FromHours(2));
        await source.GetAsync();

        fetcher.Fail = false;
        time.Advance(TimeSpan.FromSeconds(31));
        await source.GetAsync();
        await source.GetAsync();

        Assert.Equal(3, fetcher.Calls);
    }

    [Fact]
    public async Task WithoutAnyGoodCopyAFailedFetchIsUnavailable()
    {
        var (source, _) = Source(new FakeStatusListFetcher(Sample) { Fail = true });

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task AnUnparseableAnswerIsUnavailableNotAnEmptyList()
    {
        var (source, _) = Source(new FakeStatusListFetcher("<html>maintenance</html>"u8.ToArray()));

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task ACallerThatGivesUpDuringTheFetchStopsWaitingWhileTheFetchGoesOnForTheNextCaller()
    {
        using var cancellation = new CancellationTokenSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetcher = new FakeStatusListFetcher(Sample) { HoldUntil = release.Task };
        var (source, _) = Source(fetcher);

        var waiting = source.GetAsync(cancellation.Token);
        await cancellation.CancelAsync();
        // ThrowsAny: a cancellation may surface as TaskCanceledException, a subtype; the token tells whose cancellation it was.
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(cancellation.Token, stopped.CancellationToken);

        // The caller's cancellation is not a failed fetch and does not cancel it: the next caller gets its list.
        release.SetResult();
        Assert.Equal(5, (await source.GetAsync()).Count);
        Assert.Equal(1, fetcher.Calls);
    }

    [Fact]
    public async Task AFetchThatTimesOutIsAFailedFetch()
    {
        var (source, _) = Source(new FakeStatusListFetcher(Sample) { TimeOut = true });

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    private static (CachedAndroidAttestationStatusSource Source, FakeTimeProvider Time) Source(IAndroidStatusListFetcher fetcher)
    {
        var time = new FakeTimeProvider(AndroidTestKit.Now);
        return (new CachedAndroidAttestationStatusSource(fetcher, Options.Create(new AndroidKeyAttestationOptions()), time, NullLogger<CachedAndroidAttestationStatusSource>.Instance), time);
    }

    /// <summary>
    /// A FAKE fetcher: answers the given bytes, or fails as an adapter does (<see cref="DependencyUnavailableException"/>)
    /// while <see cref="Fail"/> is set.
    /// </summary>
    private sealed class FakeStatusListFetcher(byte[] body) : IAndroidStatusListFetcher
    {
        public bool Fail { get; set; }

        /// <summary>Throws the TaskCanceledException of a timeout, the caller's token untouched.</summary>
        public bool TimeOut { get; set; }

        /// <summary>The fetch answers once this completes.</summary>
        public Task? HoldUntil { get; set; }

        public int Calls { get; private set; }

        public async Task<byte[]> FetchAsync(CancellationToken cancellationToken = default)
        {
            Calls++;
            await Task.Yield();
            if (HoldUntil is { } hold)
            {
                await hold;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (TimeOut)
            {
                throw new TaskCanceledException("The request timed out.");
            }

            return Fail ? throw new DependencyUnavailableException("fake status list", new IOException("503")) : body;
        }
    }
}
