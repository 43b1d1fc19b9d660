namespace Attestation.Core.Platforms.Apple;

/// <summary>What a verified App Attest attestation establishes.</summary>
/// <param name="KeyId">The key id: SHA-256 of the attested key's uncompressed point.</param>
/// <param name="Environment">Development or production.</param>
/// <param name="Counter">The counter of the attestation (always 0).</param>
/// <param name="PublicKey">The attested key as SubjectPublicKeyInfo DER, to verify later assertions with.</param>
/// <param name="Receipt">Apple's receipt from the attestation statement, kept for fraud-risk checks.</param>
public sealed record AppleAttestationResult(byte[] KeyId, AppAttestEnvironment Environment, long Counter, byte[] PublicKey, byte[] Receipt);
