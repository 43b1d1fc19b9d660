using Attestation.Azure.Tables;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests;

/// <summary>Tables on the shared Azurite under a prefix of their own, so each test class starts empty.</summary>
internal static class AzuriteTables
{
    /// <param name="policy">A policy in the client's pipeline, per retry (a <see cref="HeldRequests"/>, say).</param>
    /// <param name="prefix">The tables of another <see cref="TableStorage"/> (its prefix); new ones when null.</param>
    public static async Task<TableStorage> CreateAsync(HttpPipelinePolicy? policy = null, string? prefix = null)
    {
        var connectionString = await SharedAzurite.GetConnectionStringAsync();
        var options = TableStorage.CreateClientOptions();
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return new TableStorage(new TableServiceClient(connectionString, options), prefix ?? SharedAzurite.NewTablePrefix());
    }
}
