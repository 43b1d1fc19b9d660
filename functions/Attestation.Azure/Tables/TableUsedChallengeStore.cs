using Attestation.Core.Challenges;

namespace Attestation.Azure.Tables;

/// <summary>
/// Used-challenge markers in Table Storage (<see cref="ExpiringMarkers"/>): partition = the slot of the challenge's expiry,
/// row = the challenge's random part. Marking is one insert-once, so redeeming costs one storage call.
/// </summary>
public sealed class TableUsedChallengeStore(TableStorage storage) : IUsedChallengeStore
{
    public Task<bool> TryMarkUsedAsync(string challengeId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        ExpiringMarkers.TryInsertAsync(storage, TableStorage.UsedChallengesTable, challengeId, expiresAt, cancellationToken);

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExpiringMarkers.DeleteExpiredAsync(storage, TableStorage.UsedChallengesTable, now, cancellationToken);
}
