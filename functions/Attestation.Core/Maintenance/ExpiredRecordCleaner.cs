using Attestation.Core.Challenges;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Maintenance;

/// <summary>Deletes used-challenge markers and consumed-token records whose expiry has passed: they can no longer change any answer.</summary>
public sealed partial class ExpiredRecordCleaner(
    IUsedChallengeStore usedChallenges,
    IConsumedTokenStore consumedTokens,
    TimeProvider timeProvider,
    ILogger<ExpiredRecordCleaner> logger)
{
    /// <summary>Runs one clean-up pass.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<(int Challenges, int ConsumedTokens)> CleanAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var expiredChallenges = await usedChallenges.DeleteExpiredAsync(now, cancellationToken).ConfigureAwait(false);
        var expiredTokens = await consumedTokens.DeleteExpiredAsync(now, cancellationToken).ConfigureAwait(false);
        LogCleaned(expiredChallenges, expiredTokens);
        return (expiredChallenges, expiredTokens);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Deleted {Challenges} expired used-challenge markers and {ConsumedTokens} expired consumed-token records")]
    private partial void LogCleaned(int challenges, int consumedTokens);
}
