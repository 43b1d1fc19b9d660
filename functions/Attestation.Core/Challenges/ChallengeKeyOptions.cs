using Attestation.Core.Secrets;

namespace Attestation.Core.Challenges;

/// <summary>
/// Section <c>Attestation:ChallengeKey</c>: the key that seals challenges. It lives in the signing key's vault
/// (<c>Attestation:SigningKey:KeyVaultUri</c>) when one is set, as the secret <see cref="SecretName"/>, each version a key;
/// without a vault (the local run), <see cref="RotatedKeyOptions.Current"/> and <see cref="RotatedKeyOptions.Previous"/> here.
/// </summary>
public sealed class ChallengeKeyOptions : RotatedKeyOptions
{
    public const string SectionName = "Attestation:ChallengeKey";

    /// <inheritdoc/>
    public override string SecretName { get; set; } = "challenge-key";
}
