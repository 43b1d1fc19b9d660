using Microsoft.Extensions.Options;

namespace Attestation.Functions.Security;

/// <summary>Section <c>Attestation:Auth</c>: the keys that may call <c>verify</c> without an Entra ID token.</summary>
public sealed class CallerAuthorizationOptions
{
    public const string SectionName = "Attestation:Auth";

    /// <summary>
    /// Hex SHA-256 of each key accepted by <c>verify</c> (sent as a function key: header <c>x-functions-key</c> or query
    /// <c>code</c>). Only hashes sit in settings; empty means verify needs an Entra ID token.
    /// </summary>
    public IList<string> VerifyKeySha256 { get; } = [];
}

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

/// <summary>Fails the start on a malformed key hash or an Entra ID section that is half filled or not single-tenant.</summary>
internal sealed class CallerAuthorizationOptionsValidator : IValidateOptions<CallerAuthorizationOptions>, IValidateOptions<EntraIdOptions>
{
    public ValidateOptionsResult Validate(string? name, CallerAuthorizationOptions options) =>
        options.VerifyKeySha256.All(h => h is { Length: 64 } && h.All(char.IsAsciiHexDigit))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{CallerAuthorizationOptions.SectionName}:VerifyKeySha256 entries must be 64 hex digits (the SHA-256 of a key).");

    public ValidateOptionsResult Validate(string? name, EntraIdOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        // A tenant GUID, not "common" or "organizations": the admin API belongs to one organisation's directory.
        return Guid.TryParse(options.TenantId, out _) && Guid.TryParse(options.ClientId, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{EntraIdOptions.SectionName}:TenantId and {EntraIdOptions.SectionName}:ClientId must both be GUIDs (one tenant, the API's app registration) when ClientId is set.");
    }
}
