using Attestation.Core.Errors;
using Attestation.Core.Maintenance;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Platform;

/// <summary>Every 15 minutes: delete the expired partitions of used-challenge markers and consumed-token records.</summary>
public sealed partial class CleanupFunction(ExpiredRecordCleaner cleaner, ILogger<CleanupFunction> logger)
{
    [Function(nameof(CleanupExpiredRecords))]
    public async Task CleanupExpiredRecords([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        try
        {
            await cleaner.CleanAsync(cancellationToken);
        }
        catch (DependencyUnavailableException outage)
        {
            // The next run catches up; records that outlive their expiry refuse nothing they should accept.
            LogSkipped(outage.Dependency);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            LogFailed(failure);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Clean-up skipped: {Dependency} is unavailable")]
    private partial void LogSkipped(string dependency);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Clean-up failed; the next run tries again")]
    private partial void LogFailed(Exception exception);
}
