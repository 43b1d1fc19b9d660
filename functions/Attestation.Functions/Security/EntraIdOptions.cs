using Microsoft.Extensions.Options;

namespace Attestation.Functions.Security;

/// <summary>
/// Section <c>AzureAd</c>, the one Microsoft.Identity.Web reads: the API's app registration. Empty <see cref="ClientId"/>
/// means Entra ID is not configured, and then no bearer token is accepted (the admin API is closed, verify takes keys only).
/// </summary>
public sealed class EntraIdOptions
{
    public const string SectionName = "AzureAd";

    /// <summary>The authority host, <c>https://login.microsoftonline.com/</c> in the public cloud.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>The directory (tenant) id, a GUID: only tokens issued by this tenant are accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id of the API's app registration; tokens must be issued for it.</summary>
    public string? ClientId { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId);
}
