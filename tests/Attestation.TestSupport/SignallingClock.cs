using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.TestSupport;

/// <summary>
/// A fake clock that reports each timer created on it, so that a test advances time only once a wait has begun. Advancing
/// a fake clock before the code under test has created its timer moves the timer's start, and the wait never ends.
/// </summary>
public sealed class SignallingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

    public SignallingClock()
        : this(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created; a generous bound makes a broken test fail rather than hang.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _dueTimes.Reader.ReadAsync(bound.Token);
    }
}
