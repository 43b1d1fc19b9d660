using Microsoft.Extensions.Options;

namespace Attestation.Functions.Security;

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
