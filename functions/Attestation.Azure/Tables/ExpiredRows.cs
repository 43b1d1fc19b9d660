using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Deletes the rows of a table whose <c>ExpiresAt</c> property lies before a given instant. The filter is on a non-key
/// property, so it scans the table; each run stops after <see cref="MaxRowsPerRun"/> deletions so that one run stays short
/// whatever the backlog, and the next run carries on.
/// </summary>
internal static class ExpiredRows
{
    public const int MaxRowsPerRun = 10_000;

    public static async Task<int> DeleteAsync(TableClient table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            if (response.Status == 204 && ++deleted >= MaxRowsPerRun)
            {
                break;
            }
        }

        return deleted;
    }
}
