using Attestation.Core.Secrets;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Challenges;

/// <summary>
/// Refuses to start without a usable challenge key; never echoes a secret. In production the key must come from Key Vault, so a
/// configured version (the sample's public development key above all) stops the start rather than being silently ignored.
/// </summary>
/// <param name="usesKeyVault">Whether <c>Attestation:SigningKey:KeyVaultUri</c> is set: the challenge key then comes from that vault.</param>
/// <param name="production">Whether production rules apply (the environment is not Development).</param>
public sealed class ChallengeKeyOptionsValidator(bool usesKeyVault, bool production) : IValidateOptions<ChallengeKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ChallengeKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (production && (RotatedKeyOptionsChecks.IsGiven(options.Current) || RotatedKeyOptionsChecks.IsGiven(options.Previous)))
        {
            errors.Add("Attestation:ChallengeKey:Current and Previous are refused in production: the challenge key must come from Key Vault, not from app settings.");
        }

        RotatedKeyOptionsChecks.Check(options, ChallengeKeyOptions.SectionName, usesKeyVault, production,
            secret => ChallengeKey.FromBase64("check", secret) is not null, $"base64 of at least {ChallengeKey.MinimumLength} bytes", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
