using System.Runtime.ExceptionServices;

namespace Attestation.Core.Caching;

/// <summary>
/// A value read from an outside system, kept in memory and reloaded as it ages: the one shape of every cache of a remote
/// value here (signing keys, secrets, app policies, Google's status list). Each cache supplies the loader and the
/// <see cref="RefreshingValueOptions"/>; this class owns the timing and the concurrency.
/// <list type="bullet">
/// <item>Single flight: the first caller starts the load and waits for it, concurrent callers share it, and never more
/// than one load runs at a time.</item>
/// <item>Past <see cref="RefreshingValueOptions.RefreshInterval"/> the next caller starts a reload and gets the held value
/// meanwhile (or waits for the reload, with <see cref="RefreshingValueOptions.WaitForReload"/>).</item>
/// <item>A failed load keeps the last good value, served while it is younger than
/// <see cref="RefreshingValueOptions.MaxStaleAge"/>. Past that, or without any value, callers get the loader's own
/// exception: the loader decides what an outage looks like (for example <c>DependencyUnavailableException</c>).</item>
/// <item>After a failure no load starts for <see cref="RefreshingValueOptions.RetryDelay"/>: callers get the last good
/// value, or the remembered failure, at once.</item>
/// <item>A caller that changed the outside system itself can apply that change to the held value at once
/// (<see cref="Update"/>) instead of waiting for a reload; a loader can read on from the value held (only what changed).</item>
/// <item>Ages are measured with <see cref="TimeProvider.GetTimestamp"/>, which is monotonic: a step of the wall clock
/// neither expires nor revives a value.</item>
/// <item>A caller's cancellation token ends only its own wait, never the shared load; the loader gets a token that
/// <see cref="Dispose"/> cancels. Every load's failure is observed here, so none becomes an unobserved task exception.</item>
/// </list>
/// </summary>
/// <typeparam name="T">The value. It is handed to every caller, so it should be immutable.</typeparam>
public sealed class RefreshingValue<T> : IDisposable
    where T : notnull
{
    private readonly Func<T?, CancellationToken, Task<T>> _load;
    private readonly RefreshingValueOptions _options;
    private readonly TimeSpan _freshFor;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer? _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();

    // Written under _gate. _current and _invalidatedThrough are also read without it, by the fast path.
    private Loaded? _current;
    private long _invalidatedThrough;
    private long _loadsStarted;
    private Task<T>? _loading;
    private long _loadingSequence;
    private Task _latestLoad = Task.CompletedTask;
    private ExceptionDispatchInfo? _failure;
    private long? _failedAt;
    private bool _disposed;

    // Changes made by Update while _loading runs, replayed on what it loads (see Update).
    private List<Func<T, T>>? _updatesDuringLoad;

    /// <param name="load">Reads the value. Its exceptions reach the callers that have no value to fall back on.</param>
    /// <param name="options">The timing (see <see cref="RefreshingValueOptions"/>).</param>
    /// <param name="timeProvider">The clock: its timestamps age the value, its timers drive <see cref="RefreshingValueOptions.ReloadOnTimer"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An interval or age is not positive, or a delay is negative.</exception>
    public RefreshingValue(Func<CancellationToken, Task<T>> load, RefreshingValueOptions options, TimeProvider timeProvider)
        : this(load is null ? null! : (_, cancellationToken) => load(cancellationToken), options, timeProvider)
    {
    }

    /// <param name="load">
    /// Reads the value, given the value held when the load starts (null before the first load, whatever its age), so that
    /// it can read only what changed since. Its exceptions reach the callers that have no value to fall back on.
    /// </param>
    /// <param name="options">The timing (see <see cref="RefreshingValueOptions"/>).</param>
    /// <param name="timeProvider">The clock: its timestamps age the value, its timers drive <see cref="RefreshingValueOptions.ReloadOnTimer"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An interval or age is not positive, or a delay is negative.</exception>
    public RefreshingValue(Func<T?, CancellationToken, Task<T>> load, RefreshingValueOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RefreshInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxStaleAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelayWithoutValue ?? TimeSpan.Zero, TimeSpan.Zero);
        _load = load;
        _options = options;
        _freshFor = options.RefreshInterval < options.MaxStaleAge ? options.RefreshInterval : options.MaxStaleAge;
        _timeProvider = timeProvider;
        if (options.ReloadOnTimer)
        {
            _timer = timeProvider.CreateTimer(static state => ((RefreshingValue<T>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether a value is held that is young enough (<see cref="RefreshingValueOptions.MaxStaleAge"/>) to serve.</summary>
    public bool HasValue
    {
        get
        {
            lock (_gate)
            {
                return IsUsable(_current, _timeProvider.GetTimestamp());
            }
        }
    }

    /// <summary>Whether the most recent load to finish failed.</summary>
    public bool LastLoadFailed
    {
        get
        {
            lock (_gate)
            {
                return _failure is not null;
            }
        }
    }

    /// <summary>
    /// The load running now, or else the last one to run (<see cref="Task.CompletedTask"/> before any). Awaiting it waits
    /// for that load and throws its failure; for tests and diagnostics; callers use <see cref="GetAsync"/>.
    /// </summary>
    public Task LatestLoad => Volatile.Read(ref _latestLoad);

    /// <summary>
    /// The value: the held one while it is younger than <see cref="RefreshingValueOptions.RefreshInterval"/>, without any
    /// wait or lock; otherwise as the class summary describes.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while this caller waited (the load goes on for the others).</exception>
    /// <remarks>Any other exception is the loader's, thrown when no value young enough can be served.</remarks>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        var current = Volatile.Read(ref _current);
        return current is not null && IsFresh(current, _timeProvider.GetTimestamp())
            ? ValueTask.FromResult(current.Value)
            : new ValueTask<T>(GetSlowAsync(cancellationToken));
    }

    /// <summary>
    /// Loads now, or joins the load already running, and returns what it loaded. The retry delay does not apply: the
    /// caller asked. A failure is thrown to this caller and the held value, if any, stays.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while this caller waited (the load goes on).</exception>
    /// <remarks>Any other exception is the loader's.</remarks>
    public Task<T> ReloadAsync(CancellationToken cancellationToken = default)
    {
        Task<T> load;
        lock (_gate)
        {
            load = _loading ?? StartLoad();
        }

        return load.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the held value as outdated (this instance changed what it reflects): the next caller waits for a load that
    /// starts after this call, even within the retry delay, and falls back on the held value only if that load fails.
    /// </summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            Volatile.Write(ref _invalidatedThrough, _loadsStarted);
            _failedAt = null;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the held value at once (this instance changed what the value reflects, and
    /// knows how), without a load and without changing its age. A load running at the time of the call may have read the
    /// source before the change was written, so the change is applied to what that load returns as well: apply only
    /// changes that give the same result when applied again or to a newer value. Call it after the change is written to
    /// the source, so that a load starting later reads it there. Returns false when no value has been loaded yet: nothing
    /// is held to change (a first load already running still gets the change applied to what it returns).
    /// </summary>
    /// <param name="change">Makes the new value from the old one; it runs under this class's lock, so it must be quick and not throw.</param>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is null.</exception>
    public bool Update(Func<T, T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            if (_loading is not null)
            {
                (_updatesDuringLoad ??= []).Add(change);
            }

            if (_current is not { } current)
            {
                return false;
            }

            Volatile.Write(ref _current, current with { Value = change(current.Value) });
            return true;
        }
    }

    /// <summary>Stops the timer and cancels the token given to the loader. The held value is still served.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer?.Dispose();
        _stopping.Cancel();

        // The source is not disposed: a load starting after this call still reads its (cancelled) token.
    }

    private async Task<T> GetSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<T> load;
            long sequence;
            lock (_gate)
            {
                var now = _timeProvider.GetTimestamp();
                var current = _current;
                if (current is not null && IsFresh(current, now))
                {
                    return current.Value;
                }

                var usable = IsUsable(current, now);
                if (_loading is null)
                {
                    if (IsWithinRetryDelay(now, usable))
                    {
                        if (!usable)
                        {
                            _failure!.Throw();
                        }

                        return current!.Value;
                    }

                    StartLoad();
                }

                if (usable && !_options.WaitForReload && !IsOutdated(current!.Sequence))
                {
                    return current.Value;
                }

                load = _loading!;
                sequence = _loadingSequence;
            }

            try
            {
                var value = await load.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!IsOutdated(sequence))
                {
                    return value;
                }
            }
            catch (Exception) when (load.IsCompleted)
            {
                if (IsOutdated(sequence))
                {
                    continue;
                }

                // The load failed: the last good value, if still young enough, rides out the outage.
                var current = Volatile.Read(ref _current);
                if (IsUsable(current, _timeProvider.GetTimestamp()))
                {
                    return current!.Value;
                }

                throw;
            }

            // The load this caller waited for began before an Invalidate: wait for one that begins after it.
        }
    }

    private Task<T> StartLoad()
    {
        // Task.Run: no part of the loader runs inline under the lock or on the caller's thread.
        var sequence = ++_loadsStarted;
        var held = _current is { } current ? current.Value : default;
        _updatesDuringLoad = null;
        var load = Task.Run(() => LoadAndStoreAsync(held, sequence));

        // Observed here, so a load that nobody awaits (a background reload, a caller that gave up) never surfaces as an
        // unobserved task exception.
        _ = load.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _loading = load;
        _loadingSequence = sequence;
        Volatile.Write(ref _latestLoad, load);
        return load;
    }

    private async Task<T> LoadAndStoreAsync(T? held, long sequence)
    {
        T value;
        try
        {
            value = await _load(held, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            bool usable;
            lock (_gate)
            {
                var now = _timeProvider.GetTimestamp();
                _failure = ExceptionDispatchInfo.Capture(failure);
                _failedAt = now;
                _loading = null;
                _updatesDuringLoad = null;
                usable = IsUsable(_current, now);
            }

            // Without a value the next caller tries again (after the retry delay); with one, the timer does.
            if (usable)
            {
                ScheduleReload(_options.RetryDelay);
            }

            throw;
        }

        lock (_gate)
        {
            foreach (var change in _updatesDuringLoad ?? [])
            {
                value = change(value);
            }

            _updatesDuringLoad = null;
            Volatile.Write(ref _current, new Loaded(value, _timeProvider.GetTimestamp(), sequence));
            _failure = null;
            _failedAt = null;
            _loading = null;
        }

        ScheduleReload(_freshFor);
        return value;
    }

    private void OnTimer()
    {
        // No freshness check: the timer was set for this moment, and a timer firing a tick early must not skip the reload
        // (nothing would set it again). A load already running sets it again when it ends.
        lock (_gate)
        {
            if (!_disposed && _loading is null)
            {
                StartLoad();
            }
        }
    }

    private void ScheduleReload(TimeSpan dueIn)
    {
        if (_timer is null || Volatile.Read(ref _disposed))
        {
            return;
        }

        try
        {
            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the load ran: the host is stopping, nothing to schedule.
        }
    }

    private bool IsFresh(Loaded current, long now) =>
        !IsOutdated(current.Sequence) && _timeProvider.GetElapsedTime(current.LoadedAt, now) < _freshFor;

    private bool IsUsable(Loaded? current, long now) =>
        current is not null && _timeProvider.GetElapsedTime(current.LoadedAt, now) < _options.MaxStaleAge;

    private bool IsOutdated(long sequence) => sequence <= Volatile.Read(ref _invalidatedThrough);

    private bool IsWithinRetryDelay(long now, bool usable) =>
        _failedAt is { } failedAt
        && _timeProvider.GetElapsedTime(failedAt, now) < (usable ? _options.RetryDelay : _options.RetryDelayWithoutValue ?? _options.RetryDelay);

    /// <summary>A loaded value, when it was loaded (a timestamp) and by which load (to tell loads before an Invalidate).</summary>
    private sealed record Loaded(T Value, long LoadedAt, long Sequence);
}
