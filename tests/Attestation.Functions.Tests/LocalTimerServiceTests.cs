using Attestation.LocalHost;
using Attestation.TestSupport;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests;

/// <summary>
/// Issue 15, finding 7: the local host's timers. <see cref="LocalTimerService"/> runs a timer function found by
/// <see cref="FunctionCatalog"/> (here <see cref="FailsOnceTimerFunction"/>, declared every 5 minutes) on a pinned clock:
/// not before its period, once per period, and on after a run that threw.
/// </summary>
public sealed class LocalTimerServiceTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ATimerFunctionRunsOncePerPeriodOfItsScheduleAndGoesOnAfterAFailedRun()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var runs = new TimerRuns();
        using var logs = new CapturingLoggerProvider();
        await using var services = new ServiceCollection().AddSingleton(runs).BuildServiceProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var catalog = FunctionCatalog.Discover(typeof(FailsOnceTimerFunction).Assembly);
        using var timers = new LocalTimerService(catalog, services, clock, loggerFactory.CreateLogger<LocalTimerService>());

        await timers.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => logs.AllText.Contains($"{nameof(FailsOnceTimerFunction)} (0 */5 * * * *) runs every 00:05:00", StringComparison.Ordinal));

        // A fake clock fires timers inside Advance, so nothing can still be on its way here.
        clock.Advance(Period - TimeSpan.FromSeconds(1));
        Assert.Equal(0, runs.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        await runs.WaitForAsync(1, Wait);
        await WaitUntilAsync(() => logs.AllText.Contains($"Timer function {nameof(FailsOnceTimerFunction)} failed", StringComparison.Ordinal));

        clock.Advance(Period);
        await runs.WaitForAsync(2, Wait);
        clock.Advance(Period);
        await runs.WaitForAsync(3, Wait);

        await timers.StopAsync(CancellationToken.None);
        Assert.Equal(3, runs.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}

/// <summary>Counts the runs of <see cref="FailsOnceTimerFunction"/>.</summary>
public sealed class TimerRuns
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int Record() => Interlocked.Increment(ref _count);

    /// <summary>Waits until <paramref name="count"/> runs have happened (the timeout only stops a hung test).</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Count < count)
        {
            Assert.True(waited.Elapsed < timeout, $"run {count} did not happen (runs so far: {Count})");
            await Task.Delay(20);
        }
    }
}

/// <summary>A timer function for <see cref="LocalTimerServiceTests"/>: every 5 minutes, and its first run throws.</summary>
public sealed class FailsOnceTimerFunction(TimerRuns runs)
{
    [Function(nameof(FailsOnceTimerFunction))]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await Task.Yield();
        if (runs.Record() == 1)
        {
            throw new InvalidOperationException("The first run fails, as a run meeting an outage would.");
        }
    }
}
