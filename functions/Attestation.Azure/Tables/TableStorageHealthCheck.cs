using Attestation.Core.Errors;
using Attestation.Core.Health;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Reads one (absent) row, which proves the account answers and the tables can be created and read. One storage call per
/// probe: the backend registers it behind <see cref="Core.Health.CachedHealthCheck"/>, so it probes at most every 5 seconds.
/// </summary>
public sealed class TableStorageHealthCheck(TableStorage storage) : IDependencyHealthCheck
{
    public string Name => "Table Storage";

    /// <summary>True when Table Storage answers.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.RunAsync(TableStorage.DevicesTable, async table =>
                (await table.GetEntityIfExistsAsync<TableEntity>("health-probe", "", select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DependencyUnavailableException)
        {
            return false;
        }
    }
}
