using Attestation.Core.Challenges;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Challenges in Table Storage. Partition key = the challenge value itself: it is random, so writes spread evenly over
/// partitions, and every lookup is a point read. The row key is empty (one row per partition).
/// </summary>
public sealed class TableChallengeStore(TableStorage storage) : IChallengeStore
{
    public Task AddAsync(Challenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var entity = new ChallengeEntity { PartitionKey = challenge.Value, RowKey = "", AppId = challenge.AppId, ExpiresAt = challenge.ExpiresAt };
        return storage.RunAsync(TableStorage.ChallengesTable, table => table.AddEntityAsync(entity, cancellationToken), cancellationToken);
    }

    public Task<Challenge?> TakeAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return storage.RunAsync(TableStorage.ChallengesTable, async table =>
        {
            var found = await table.GetEntityIfExistsAsync<ChallengeEntity>(value, "", cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } entity)
            {
                return null;
            }

            // The delete is the atomic step: the service deletes a row once, so of concurrent takers exactly one sees 204.
            // An already-deleted row answers 404 without throwing, so the status is what must be checked.
            var deleted = await table.DeleteEntityAsync(value, "", ETag.All, cancellationToken).ConfigureAwait(false);
            return deleted.Status == 204 ? new Challenge(value, entity.AppId, entity.ExpiresAt) : null;
        }, cancellationToken);
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        storage.RunAsync(TableStorage.ChallengesTable, table => ExpiredRows.DeleteAsync(table, now, cancellationToken), cancellationToken);

    internal sealed class ChallengeEntity : ITableEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string AppId { get; set; } = "";

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
