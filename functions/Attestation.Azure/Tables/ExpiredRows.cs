using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>Deletes the rows of a table whose <c>ExpiresAt</c> property lies before a given instant.</summary>
internal static class ExpiredRows
{
    public static async Task<int> DeleteAsync(TableClient table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var response = await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            if (response.Status == 204)
            {
                deleted++;
            }
        }

        return deleted;
    }
}
