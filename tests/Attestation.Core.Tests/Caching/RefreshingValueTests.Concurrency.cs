using System.Runtime.CompilerServices;
using Attestation.Core.Caching;
using Attestation.Core.Errors;

namespace Attestation.Core.Tests.Caching;

/// <summary>
/// Concurrent callers with the interleaving forced: the loader is held on a gate until every caller has made its call, so
/// each of these fails if the single-flight guard is removed (every caller would start, and wait for, a load of its own).
/// </summary>
public sealed partial class RefreshingValueTests
{
    private const int Callers = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ConcurrentFirstCallersAllWaitForOneSharedLoad()
    {
        using var value = Create();
        _loader.Hold();

        var answers = await CallConcurrentlyAsync(value);
        await _loader.WaitForCallsAsync(1);
        Assert.All(answers, answer => Assert.False(answer.IsCompleted));

        _loader.Release();

        Assert.All(await Task.WhenAll(answers).WaitAsync(Patience), answer => Assert.Equal("v1", answer));
        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task WhileABackgroundReloadRunsConcurrentCallersGetTheHeldValueAtOnceAndStartNoOtherLoad()
    {
        using var value = Create();
        await value.GetAsync();
        _clock.Advance(Interval);
        _loader.Hold();
        Assert.Equal("v1", await value.GetAsync());
        var reload = value.LatestLoad;
        await _loader.WaitForCallsAsync(2);

        var answers = await CallConcurrentlyAsync(value);

        Assert.All(answers, answer => Assert.True(answer.IsCompletedSuccessfully));
        Assert.All(await Task.WhenAll(answers).WaitAsync(Patience), answer => Assert.Equal("v1", answer));
        Assert.Same(reload, value.LatestLoad);
        _loader.Release();
        await reload.WaitAsync(Patience);
        Assert.Equal(2, _loader.Calls);
        Assert.Equal("v2", await value.GetAsync());
    }

    [Fact]
    public async Task WithWaitForReloadConcurrentCallersPastTheIntervalAllWaitForOneSharedReload()
    {
        using var value = Create(waitForReload: true);
        await value.GetAsync();
        _clock.Advance(Interval);
        _loader.Hold();

        var answers = await CallConcurrentlyAsync(value);
        await _loader.WaitForCallsAsync(2);
        Assert.All(answers, answer => Assert.False(answer.IsCompleted));

        _loader.Release();

        Assert.All(await Task.WhenAll(answers).WaitAsync(Patience), answer => Assert.Equal("v2", answer));
        Assert.Equal(2, _loader.Calls);
    }

    [Fact]
    public async Task ConcurrentCallersOfAFailingFirstLoadAllGetItsFailureFromOneLoad()
    {
        using var value = Create();
        _loader.Failure = new DependencyUnavailableException("Key Vault", new IOException("down"));
        _loader.Hold();

        var answers = await CallConcurrentlyAsync(value);
        await _loader.WaitForCallsAsync(1);
        _loader.Release();

        foreach (var answer in answers)
        {
            Assert.Same(_loader.Failure, await Assert.ThrowsAsync<DependencyUnavailableException>(() => answer));
        }

        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task ACancelledCallerStopsWaitingWhileTheSharedLoadGoesOnForTheOthers()
    {
        using var value = Create();
        _loader.Hold();
        using var cancellation = new CancellationTokenSource();
        var cancelled = value.GetAsync(cancellation.Token).AsTask();
        var patient = value.GetAsync().AsTask();
        await _loader.WaitForCallsAsync(1);

        await cancellation.CancelAsync();

        // ThrowsAny: a cancellation may surface as TaskCanceledException, a subtype; the token tells whose cancellation it was.
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(cancellation.Token, stopped.CancellationToken);
        Assert.False(patient.IsCompleted);
        Assert.False(_loader.LastToken.IsCancellationRequested);
        _loader.Release();
        Assert.Equal("v1", await patient);
        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task DisposeCancelsTheTokenTheLoaderGets()
    {
        var value = Create();
        _loader.Hold();
        var waiting = value.GetAsync().AsTask();
        await _loader.WaitForCallsAsync(1);

        value.Dispose();

        Assert.True(_loader.LastToken.IsCancellationRequested);
        // ThrowsAny: a cancellation may surface as TaskCanceledException, a subtype; the token tells whose cancellation it was.
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(_loader.LastToken, stopped.CancellationToken);
    }

    [Fact]
    public async Task ReloadJoinsTheLoadAlreadyRunning()
    {
        using var value = Create();
        _loader.Hold();

        var first = value.GetAsync().AsTask();
        var reload = value.ReloadAsync();
        await _loader.WaitForCallsAsync(1);
        _loader.Release();

        Assert.Equal("v1", await reload.WaitAsync(Patience));
        Assert.Equal("v1", await first.WaitAsync(Patience));
        Assert.Equal(1, _loader.Calls);
    }

    [Fact]
    public async Task AfterInvalidateALoadThatBeganBeforeItDoesNotAnswerTheNextCaller()
    {
        using var value = Create();
        await value.GetAsync();
        _loader.Hold();
        var reload = value.ReloadAsync();
        await _loader.WaitForCallsAsync(2);

        value.Invalidate();
        var next = value.GetAsync().AsTask();
        _loader.Release();

        Assert.Equal("v2", await reload.WaitAsync(Patience));
        Assert.Equal("v3", await next);
        Assert.Equal(3, _loader.Calls);
    }

    [Fact]
    public async Task AFailedLoadThatNobodyAwaitsRaisesNoUnobservedTaskException()
    {
        var marker = Guid.NewGuid().ToString();
        var unobserved = 0;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.ToString().Contains(marker, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unobserved);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await FailLoadsNobodyAwaitsAsync(marker);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.Equal(0, Volatile.Read(ref unobserved));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    /// <summary>A background reload that fails, and a load whose only caller gave up before it failed; then forgets both.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task FailLoadsNobodyAwaitsAsync(string marker)
    {
        var loader = new ScriptedLoader();
        using var value = new RefreshingValue<string>(loader.LoadAsync, new RefreshingValueOptions { RefreshInterval = Interval }, _clock);
        await value.GetAsync();
        loader.Failure = new InvalidOperationException(marker);
        _clock.Advance(Interval);
        await value.GetAsync();
        await Task.WhenAny(value.LatestLoad);

        loader.Hold();
        using var cancellation = new CancellationTokenSource();
        var abandoned = value.ReloadAsync(cancellation.Token);
        await loader.WaitForCallsAsync(3);
        await cancellation.CancelAsync();
        await Task.WhenAny(abandoned);
        loader.Release();
        await Task.WhenAny(value.LatestLoad);
    }

    /// <summary>
    /// Makes <see cref="Callers"/> calls from the thread pool, released together, and returns once every call has returned
    /// its (possibly pending) answer.
    /// </summary>
    private static async Task<Task<string>[]> CallConcurrentlyAsync(RefreshingValue<string> value)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allCalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var called = 0;
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            var answer = value.GetAsync().AsTask();
            if (Interlocked.Increment(ref called) == Callers)
            {
                allCalled.SetResult();
            }

            return answer;
        })).ToArray();

        go.SetResult();
        await allCalled.Task.WaitAsync(Patience);
        return await Task.WhenAll(calls);
    }

    /// <summary>
    /// A loader the test steers: it counts its calls and answers "v1", "v2", … by call, or throws <see cref="Failure"/>;
    /// after <see cref="Hold"/>, every call waits (honouring its token) until <see cref="Release"/>.
    /// </summary>
    private sealed class ScriptedLoader
    {
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;
        private TaskCompletionSource? _gate;

        public int Calls => Volatile.Read(ref _calls);

        public Exception? Failure { get; set; }

        public CancellationToken LastToken { get; private set; }

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate!.SetResult();

        public async Task WaitForCallsAsync(int calls)
        {
            while (true)
            {
                // Read before the count: a call landing in between completes this one.
                var entered = Volatile.Read(ref _entered);
                if (Calls >= calls)
                {
                    return;
                }

                await entered.Task.WaitAsync(Patience);
            }
        }

        public async Task<string> LoadAsync(CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            LastToken = cancellationToken;
            Interlocked.Exchange(ref _entered, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
            if (_gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return Failure is { } failure ? throw failure : $"v{call}";
        }
    }
}
