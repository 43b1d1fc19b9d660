using Microsoft.Extensions.Options;

namespace Attestation.Core.Tokens;

/// <summary>
/// Refuses to start without a usable key source; never echoes a secret. In Azure the key must come from Key Vault: keys in
/// app settings (and the public sample key above all) are for the local run only.
/// </summary>
public sealed class SigningKeyOptionsValidator(bool runsInAzure = false) : IValidateOptions<SigningKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, SigningKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add("Attestation:SigningKey:RefreshInterval must be between 1 second and 1 day.");
        }

        if (options.KeyVaultUri is not null)
        {
            if (!options.KeyVaultUri.IsAbsoluteUri || options.KeyVaultUri.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("Attestation:SigningKey:KeyVaultUri must be an absolute https URI.");
            }

            if (string.IsNullOrWhiteSpace(options.SecretName))
            {
                errors.Add("Attestation:SigningKey:SecretName is required with a Key Vault.");
            }
        }
        else if (runsInAzure)
        {
            errors.Add("Attestation:SigningKey:KeyVaultUri is required in Azure: the token signing key must come from Key Vault, not from app settings.");
        }
        else
        {
            Check(options.Current, "Current", required: true, errors);
            Check(options.Previous, "Previous", required: false, errors);
            if (options.Current is not null && options.Previous is not null
                && string.Equals(options.Current.Version, options.Previous.Version, StringComparison.Ordinal))
            {
                errors.Add("Attestation:SigningKey:Previous:Version must differ from Current:Version.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(ConfiguredSigningKey? key, string which, bool required, List<string> errors)
    {
        if (key is null || (string.IsNullOrEmpty(key.Version) && string.IsNullOrEmpty(key.Secret)))
        {
            if (required)
            {
                errors.Add($"Attestation:SigningKey:{which} is required when Attestation:SigningKey:KeyVaultUri is not set.");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(key.Version))
        {
            errors.Add($"Attestation:SigningKey:{which}:Version is required.");
        }

        if (SigningKey.FromBase64("check", key.Secret) is null)
        {
            errors.Add($"Attestation:SigningKey:{which}:Secret must be base64 of at least {SigningKey.MinimumLength} bytes.");
        }
    }
}
