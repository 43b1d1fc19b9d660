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

        // An upsert, so that an SDK retry after a lost response cannot turn into a 409; the key is random and never reused.
        return storage.RunAsync(TableStorage.ChallengesTable, table => table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken), cancellationToken);
    }

    public Task<Challenge?> TakeAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var taker = Guid.NewGuid().ToString("N");
        return storage.RunAsync(TableStorage.ChallengesTable, async table =>
        {
            var found = await table.GetEntityIfExistsAsync<ChallengeEntity>(value, "", cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } entity || entity.TakenBy is not null)
            {
                return null;
            }

            // Taking is a write conditional on the ETag just read: the service applies one of any number of concurrent
            // writes and answers 412 to the rest. The row records who took it, so that when the SDK retries a write whose
            // response was lost, the 412 it gets is recognised as this call's own success. Clean-up deletes the row later.
            entity.TakenBy = taker;
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException lost) when (lost.Status is 412 or 404)
            {
                var now = await table.GetEntityIfExistsAsync<ChallengeEntity>(value, "", cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!now.HasValue || now.Value?.TakenBy != taker)
                {
                    return null;
                }
            }

            return new Challenge(value, entity.AppId, entity.ExpiresAt);
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

        /// <summary>Set once, by the redemption that took the challenge.</summary>
        public string? TakenBy { get; set; }
    }
}
