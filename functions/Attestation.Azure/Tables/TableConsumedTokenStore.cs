using Attestation.Core.Tokens;
using Azure;

namespace Attestation.Azure.Tables;

/// <summary>
/// Consumed single-use tokens. Partition key = the token's <c>jti</c> (random), so writes spread over partitions. Consuming
/// is an insert-once (<see cref="TableStorage.TryInsertAsync{T}"/>), which makes it atomic.
/// </summary>
public sealed class TableConsumedTokenStore(TableStorage storage) : IConsumedTokenStore
{
    public Task<bool> TryConsumeAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        var entity = new ConsumedTokenEntity { PartitionKey = tokenId, RowKey = "", ExpiresAt = expiresAt };
        return storage.TryInsertAsync(TableStorage.ConsumedTokensTable, entity, cancellationToken);
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        storage.RunAsync(TableStorage.ConsumedTokensTable, table => ExpiredRows.DeleteAsync(table, now, cancellationToken), cancellationToken);

    internal sealed class ConsumedTokenEntity : IInsertOnceEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? InsertId { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
