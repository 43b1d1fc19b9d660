using Attestation.Core.Secrets;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Tokens;

/// <summary>
/// Refuses to start without a usable key source; never echoes a secret. In production the key must come from Key Vault: keys in
/// app settings (and the public sample key above all) are for the local run only, so a configured version stops the start there
/// even beside a vault, rather than being silently ignored (as <see cref="Challenges.ChallengeKeyOptionsValidator"/> does). In
/// ES256 mode a configured key must be a P-256 private key (base64 PKCS#8).
/// </summary>
/// <param name="production">Whether production rules apply.</param>
/// <param name="algorithm">The deployment's algorithm (<see cref="TokenOptions.Algorithm"/>), which says what a configured key is.</param>
public sealed class SigningKeyOptionsValidator(bool production, TokenAlgorithm algorithm = TokenAlgorithm.HS256) : IValidateOptions<SigningKeyOptions>
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
            secret => SigningKey.Read(algorithm, "check", secret) is not null,
            algorithm == TokenAlgorithm.ES256 ? "base64 of a P-256 private key in PKCS#8 DER" : $"base64 of at least {SigningKey.MinimumLength} bytes",
            errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
