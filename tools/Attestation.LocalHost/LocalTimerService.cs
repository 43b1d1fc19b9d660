using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Attestation.LocalHost;

/// <summary>
/// Runs the timer-triggered functions at the period of their schedule (the simple every-N-minutes form; others run every
/// 15 minutes, said in the log), on the backend's <see cref="TimeProvider"/>, so a test can drive the schedule.
/// </summary>
public sealed partial class LocalTimerService(FunctionCatalog catalog, IServiceProvider services, TimeProvider timeProvider, ILogger<LocalTimerService> logger) : BackgroundService
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromMinutes(15);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.Timers.Select(timer => RunAsync(timer, stoppingToken)));

    private async Task RunAsync(TimerFunction timer, CancellationToken stoppingToken)
    {
        var period = FunctionCatalog.SimplePeriod(timer.Schedule) ?? DefaultPeriod;
        using var ticks = new PeriodicTimer(period, timeProvider);
        LogScheduled(timer.Name, timer.Schedule, period);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    using var scope = services.CreateScope();
                    if (timer.Invoke(scope.ServiceProvider, new TimerInfo(), stoppingToken) is Task task)
                    {
                        await task;
                    }
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    // As in the Functions host, one failed run is logged and the schedule goes on.
                    LogRunFailed(timer.Name, failure);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Timer function {Name} ({Schedule}) runs every {Period} locally")]
    private partial void LogScheduled(string name, string schedule, TimeSpan period);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Timer function {Name} failed")]
    private partial void LogRunFailed(string name, Exception exception);
}
