using Attestation.Azure.Tables;
using Attestation.TestSupport;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests;

/// <summary>Tables on the shared Azurite under a prefix of their own, so each test class starts empty.</summary>
internal static class AzuriteTables
{
    public static async Task<TableStorage> CreateAsync()
    {
        var connectionString = await SharedAzurite.GetConnectionStringAsync();
        return new TableStorage(new TableServiceClient(connectionString, TableStorage.CreateClientOptions()), SharedAzurite.NewTablePrefix());
    }
}
