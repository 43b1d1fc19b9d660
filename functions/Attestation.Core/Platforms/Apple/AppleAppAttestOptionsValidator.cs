using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Refuses test-only App Attest roots in production: there, only Apple's root may certify a key. Elsewhere each entry must be a
/// certificate, so that a typo stops the start instead of silently trusting nothing.
/// </summary>
public sealed class AppleAppAttestOptionsValidator(bool production) : IValidateOptions<AppleAppAttestOptions>
{
    public ValidateOptionsResult Validate(string? name, AppleAppAttestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TestOnlyTrustedRoots.All(string.IsNullOrWhiteSpace))
        {
            return ValidateOptionsResult.Success;
        }

        if (production)
        {
            return ValidateOptionsResult.Fail(
                $"{AppleAppAttestOptions.SectionName}:TestOnlyTrustedRoots is set, but this instance runs in production (AZURE_FUNCTIONS_ENVIRONMENT is not Development): only Apple's App Attestation Root CA may be trusted there. Remove the setting.");
        }

        try
        {
            foreach (var root in AppleAppAttestTestOnlyRoots.Read(options.TestOnlyTrustedRoots))
            {
                root.Dispose();
            }

            return ValidateOptionsResult.Success;
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
