namespace Attestation.LoadTest;

/// <summary>
/// Spaces request starts evenly at a constant rate over every device. When the devices fall behind (all waiting on slow
/// answers) missed slots are dropped, not sent later in a burst, so the offered load never exceeds the rate; the report
/// shows the rate achieved.
/// </summary>
public sealed class RatePacer
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _interval;
    private long _next;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerSecond"/> is not positive.</exception>
    public RatePacer(double requestsPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _interval = Math.Max(1, (long)(time.TimestampFrequency / requestsPerSecond));
        _next = time.GetTimestamp();
    }

    /// <summary>How long the caller waits before its request starts (zero when its slot is now).</summary>
    public TimeSpan NextDelay()
    {
        var now = _time.GetTimestamp();
        long due;
        lock (_gate)
        {
            due = Math.Max(_next, now);
            _next = due + _interval;
        }

        return TimeSpan.FromSeconds((double)(due - now) / _time.TimestampFrequency);
    }
}
