namespace Attestation.Azure.Tables;

/// <summary>
/// Section <c>Attestation:Storage</c>. In Azure set <see cref="TableServiceUri"/> (identity-based access, no key); locally or
/// against Azurite set <see cref="ConnectionString"/>.
/// </summary>
public sealed class TableStorageOptions
{
    public const string SectionName = "Attestation:Storage";

    /// <summary>A storage connection string, e.g. <c>UseDevelopmentStorage=true</c> for Azurite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, e.g. <c>https://account.table.core.windows.net</c>, reached with the managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Prefix for the table names, so that several deployments or test runs can share one account.</summary>
    public string TablePrefix { get; set; } = "";
}
