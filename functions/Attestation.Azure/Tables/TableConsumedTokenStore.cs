using Attestation.Core.Tokens;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Consumed single-use tokens. Partition key = the token's <c>jti</c> (random), so writes spread over partitions. Consuming
/// is an insert: the service accepts one insert of a key and answers 409 to every other, which makes it atomic.
/// </summary>
public sealed class TableConsumedTokenStore(TableStorage storage) : IConsumedTokenStore
{
    public Task<bool> TryConsumeAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        var entity = new TableEntity(tokenId, "") { ["ExpiresAt"] = expiresAt };
        return storage.TryInsertAsync(TableStorage.ConsumedTokensTable, entity, cancellationToken);
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        storage.RunAsync(TableStorage.ConsumedTokensTable, table => ExpiredRows.DeleteAsync(table, now, cancellationToken), cancellationToken);
}
