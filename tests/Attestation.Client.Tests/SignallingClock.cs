using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Client.Tests;

/// <summary>A fake clock that reports each timer created on it, so that a test advances time only once a wait has begun.</summary>
internal sealed class SignallingClock() : FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero))
{
    private readonly Channel<TimeSpan> _dueTimes = Channel.CreateUnbounded<TimeSpan>();

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
