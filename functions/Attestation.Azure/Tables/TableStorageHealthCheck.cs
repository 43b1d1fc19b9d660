using Attestation.Core.Errors;
using Attestation.Core.Health;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>Reads one (absent) row, which proves the account answers and the tables exist.</summary>
public sealed class TableStorageHealthCheck(TableStorage storage) : IDependencyHealthCheck
{
    public string Name => "Table Storage";

    /// <summary>True when Table Storage answers.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.RunAsync(TableStorage.UsedChallengesTable, async table =>
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
