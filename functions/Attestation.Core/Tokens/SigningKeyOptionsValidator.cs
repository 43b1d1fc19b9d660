using Attestation.Core.Secrets;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Tokens;

/// <summary>
/// Refuses to start without a usable key source; never echoes a secret. In production the key must come from Key Vault: keys in
/// app settings (and the public sample key above all) are for the local run only, so a configured version stops the start there
/// even beside a vault, rather than being silently ignored (as <see cref="Challenges.ChallengeKeyOptionsValidator"/> does).
/// </summary>
public sealed class SigningKeyOptionsValidator(bool production) : IValidateOptions<SigningKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, SigningKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.KeyVaultUri is not null && (!options.KeyVaultUri.IsAbsoluteUri || options.KeyVaultUri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Attestation:SigningKey:KeyVaultUri must be an absolute https URI.");
        }

        if (options.KeyVaultUri is null && production)
        {
            errors.Add("Attestation:SigningKey:KeyVaultUri is required in production: the token signing key must come from Key Vault, not from app settings.");
        }
        else if (production && (RotatedKeyOptionsChecks.IsGiven(options.Current) || RotatedKeyOptionsChecks.IsGiven(options.Previous)))
        {
            errors.Add("Attestation:SigningKey:Current and Previous are refused in production: the token signing key must come from Key Vault, not from app settings.");
        }

        RotatedKeyOptionsChecks.Check(options, SigningKeyOptions.SectionName, usesKeyVault: options.KeyVaultUri is not null, production,
            secret => SigningKey.FromBase64("check", secret) is not null, SigningKey.MinimumLength, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
