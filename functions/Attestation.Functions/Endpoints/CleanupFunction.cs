using Attestation.Core.Errors;
using Attestation.Core.Maintenance;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints;

/// <summary>Every 15 minutes: delete expired challenges and consumed-token records.</summary>
public sealed partial class CleanupFunction(ExpiredRecordCleaner cleaner, ILogger<CleanupFunction> logger)
{
    [Function("CleanupExpiredRecords")]
    public async Task RunAsync([TimerTrigger("0 */15 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
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
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Clean-up skipped: {Dependency} is unavailable")]
    private partial void LogSkipped(string dependency);
}
