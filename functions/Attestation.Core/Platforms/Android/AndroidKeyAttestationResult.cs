namespace Attestation.Core.Platforms.Android;

/// <summary>What a verified Android key attestation establishes.</summary>
/// <param name="DeviceId">base64url SHA-256 of the attested key's SubjectPublicKeyInfo.</param>
/// <param name="PublicKey">The attested key's SubjectPublicKeyInfo DER.</param>
/// <param name="Description">The verified KeyDescription.</param>
/// <param name="Chain">What the chain check established.</param>
/// <param name="Summary">A short non-secret description for the registration.</param>
/// <param name="RegisteredFacts">What every refresh re-checks, kept with the registration.</param>
/// <param name="BatchCertificate">The factory batch certificate (the leaf's issuer), or null for a remotely provisioned chain.</param>
public sealed record AndroidKeyAttestationResult(
    string DeviceId,
    byte[] PublicKey,
    KeyDescription Description,
    AndroidVerifiedAttestationChain Chain,
    string Summary,
    AndroidKeyRegisteredFacts RegisteredFacts,
    AndroidBatchCertificate? BatchCertificate = null);
