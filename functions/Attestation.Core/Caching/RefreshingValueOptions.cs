namespace Attestation.Core.Caching;

/// <summary>How a <see cref="RefreshingValue{T}"/> ages, reloads and rides out an outage. Set in code by each cache.</summary>
public sealed class RefreshingValueOptions
{
    /// <summary>How long a loaded value is served without any load. Past it, the next caller (or the timer) starts a reload.</summary>
    public required TimeSpan RefreshInterval { get; init; }

    /// <summary>
    /// Whether a caller that finds the value past <see cref="RefreshInterval"/> waits for the reload (and gets the last good
    /// value only if the reload fails), instead of getting the held value at once while the reload runs in the background
    /// (<see langword="false"/>, the default). Waiting suits a cache whose contract is "a change is seen once the interval
    /// has passed" (the app registry); not waiting keeps the hot path off the outside system after the first load.
    /// </summary>
    public bool WaitForReload { get; init; }

    /// <summary>
    /// How old (since it was loaded) the last good value may be and still be served, during an outage or while a reload
    /// runs. Past it, callers wait for a load and get its failure. <see cref="TimeSpan.MaxValue"/> (the default): no bound.
    /// </summary>
    public TimeSpan MaxStaleAge { get; init; } = TimeSpan.MaxValue;

    /// <summary>
    /// After a failed load, no new load starts for this long (unless asked for by <see cref="RefreshingValue{T}.ReloadAsync"/>
    /// or <see cref="RefreshingValue{T}.Invalidate"/>): callers get the last good value, or the remembered failure, at once,
    /// so an outage is neither hammered nor queued behind. Zero: the next caller tries again.
    /// </summary>
    public TimeSpan RetryDelay { get; init; }

    /// <summary>
    /// The delay after a failure while no value can be served (before the first load, or past <see cref="MaxStaleAge"/>),
    /// when it should differ from <see cref="RetryDelay"/>: callers are failing meanwhile, so a shorter one shortens the
    /// outage they see. <see langword="null"/> (the default): <see cref="RetryDelay"/>.
    /// </summary>
    public TimeSpan? RetryDelayWithoutValue { get; init; }

    /// <summary>
    /// Whether a timer reloads the value at the end of each <see cref="RefreshInterval"/> (and <see cref="RetryDelay"/>
    /// after a failed reload) with no caller needed, so an idle instance does not serve a value older than the interval
    /// to its next caller. The timer starts with the first load; <see cref="RefreshingValue{T}.Dispose"/> stops it.
    /// </summary>
    public bool ReloadOnTimer { get; init; }
}
