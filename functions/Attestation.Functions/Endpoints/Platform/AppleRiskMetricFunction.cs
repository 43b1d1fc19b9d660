using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Platform;

/// <summary>
/// Every 30 minutes: exchange the due App Attest receipts with Apple's App Attest server and store their risk metrics. Each
/// receipt is due no sooner than its "not before", so the period only bounds how late a due receipt waits.
/// </summary>
public sealed partial class AppleRiskMetricFunction(AppleRiskMetricRefresher refresher, ILogger<AppleRiskMetricFunction> logger)
{
    [Function(nameof(RefreshAppleRiskMetrics))]
    public async Task RefreshAppleRiskMetrics([TimerTrigger("0 */30 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        try
        {
            await refresher.RunAsync(cancellationToken);
        }
        catch (DependencyUnavailableException outage)
        {
            // Nothing was written for the devices not reached; they are due at the next run.
            LogSkipped(outage.Dependency);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogFailed(failure);
        }
    }

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Risk metric run skipped: {Dependency} is unavailable")]
    private partial void LogSkipped(string dependency);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "Risk metric run failed; the next run tries again")]
    private partial void LogFailed(Exception exception);
}
