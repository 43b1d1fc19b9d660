using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Write-once markers that matter only until an expiry (used challenges, consumed tokens), laid out so that clean-up
/// never scans: partition key = the 15-minute slot that holds the marker's expiry (<c>yyyyMMddHHmm</c> of the slot's start,
/// UTC, so partition keys sort by time), row key = the marker's own id. A slot that ended before now holds only expired
/// markers, so clean-up deletes whole partitions, found by key range and emptied by partition-scoped queries and
/// transactions, and never reads a live row.
/// </summary>
internal static class ExpiringMarkers
{
    /// <summary>The most rows one clean-up run deletes per table, so a run stays short whatever the backlog; the next run carries on.</summary>
    public const int MaxRowsPerRun = 10_000;

    /// <summary>Table Storage's limit on the operations of one transaction (all in one partition).</summary>
    private const int MaxRowsPerTransaction = 100;

    private static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(15);

    /// <summary>The partition key of a marker that expires at <paramref name="expiresAt"/>.</summary>
    public static string PartitionOf(DateTimeOffset expiresAt)
    {
        var utc = expiresAt.UtcDateTime;
        var slotStart = new DateTime(utc.Ticks - (utc.Ticks % SlotLength.Ticks), DateTimeKind.Utc);
        return slotStart.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts the marker <paramref name="id"/> once (<see cref="TableStorage.TryInsertAsync{T}"/>): true when this call wrote it.
    /// </summary>
    /// <exception cref="Core.Errors.DependencyUnavailableException">Storage cannot be reached.</exception>
    public static Task<bool> TryInsertAsync(TableStorage storage, string table, string id, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var marker = new MarkerEntity { PartitionKey = PartitionOf(expiresAt), RowKey = id, ExpiresAt = expiresAt };
        return storage.TryInsertAsync(table, marker, cancellationToken);
    }

    /// <summary>
    /// Deletes the partitions of slots that ended at or before <paramref name="now"/>, at most
    /// <see cref="TableStorage.MaxExpiredRowsPerRun"/> rows (<see cref="MaxRowsPerRun"/>).
    /// </summary>
    /// <exception cref="Core.Errors.DependencyUnavailableException">Storage cannot be reached.</exception>
    public static Task<int> DeleteExpiredAsync(TableStorage storage, string table, DateTimeOffset now, CancellationToken cancellationToken) =>
        storage.RunAsync(table, async client =>
        {
            // Every slot whose key sorts below the current slot's has ended. The range query reads only rows of those slots
            // (the table is ordered by partition key), and only the first one, to name the oldest partition.
            var current = PartitionOf(now);
            var cap = storage.MaxExpiredRowsPerRun;
            var deleted = 0;

            // Bounded in rounds too, so that rows another instance keeps deleting under this one cannot keep it looping.
            for (var round = 0; deleted < cap && round < Math.Max(1, cap / MaxRowsPerTransaction); round++)
            {
                var oldest = await FirstAsync(client, TableClient.CreateQueryFilter($"PartitionKey lt {current}"), cancellationToken).ConfigureAwait(false);
                if (oldest is null)
                {
                    break;
                }

                var rows = await RowKeysAsync(client, oldest, Math.Min(cap - deleted, 1_000), cancellationToken).ConfigureAwait(false);
                foreach (var batch in rows.Chunk(MaxRowsPerTransaction))
                {
                    try
                    {
                        await client.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(oldest, row), ETag.All)), cancellationToken).ConfigureAwait(false);
                        deleted += batch.Length;
                    }
                    catch (TableTransactionFailedException gone) when (gone.Status == 404)
                    {
                        // Another instance's clean-up deleted a row of this batch first; the next query sees what is left.
                        break;
                    }
                }
            }

            return deleted;
        }, cancellationToken);

    private static async Task<string?> FirstAsync(TableClient client, string filter, CancellationToken cancellationToken)
    {
        await foreach (var page in client.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return page.Values[0].PartitionKey;
            }
        }

        return null;
    }

    private static async Task<List<string>> RowKeysAsync(TableClient client, string partition, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        await foreach (var row in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row.RowKey);
            if (rows.Count >= limit)
            {
                break;
            }
        }

        return rows;
    }

    internal sealed class MarkerEntity : IWriteStampedEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? WriteId { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
