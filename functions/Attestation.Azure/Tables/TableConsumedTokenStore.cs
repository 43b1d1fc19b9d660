using Attestation.Core.Tokens;

namespace Attestation.Azure.Tables;

/// <summary>
/// Consumed single-use tokens (<see cref="ExpiringMarkers"/>): partition = the slot of the token's expiry, row = its
/// <c>jti</c>. Consuming is one insert-once, which makes it atomic and costs one storage call.
/// </summary>
public sealed class TableConsumedTokenStore(TableStorage storage) : IConsumedTokenStore
{
    public Task<bool> TryConsumeAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        ExpiringMarkers.TryInsertAsync(storage, TableStorage.ConsumedTokensTable, tokenId, expiresAt, cancellationToken);

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExpiringMarkers.DeleteExpiredAsync(storage, TableStorage.ConsumedTokensTable, now, cancellationToken);
}
