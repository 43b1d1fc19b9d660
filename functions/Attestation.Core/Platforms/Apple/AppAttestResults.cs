namespace Attestation.Core.Platforms.Apple;

/// <summary>What a verified App Attest attestation establishes.</summary>
/// <param name="KeyId">The key id: SHA-256 of the attested key's uncompressed point.</param>
/// <param name="Environment">Development or production.</param>
/// <param name="Counter">The counter of the attestation (always 0).</param>
/// <param name="PublicKey">The attested key as SubjectPublicKeyInfo DER, to verify later assertions with.</param>
/// <param name="Receipt">Apple's receipt from the attestation statement, kept for fraud-risk checks.</param>
public sealed record AppAttestAttestationResult(byte[] KeyId, AppAttestEnvironment Environment, long Counter, byte[] PublicKey, byte[] Receipt);

/// <summary>What could be read from an attestation object without verifying it (for support tools); each part is null when unreadable.</summary>
/// <param name="KeyId">SHA-256 of the credential certificate's key, else the credential id of the authenticator data.</param>
/// <param name="Environment">From the aaguid.</param>
/// <param name="Counter">The authenticator data's counter.</param>
/// <param name="PublicKey">The credential certificate's key as SubjectPublicKeyInfo DER.</param>
public sealed record AppAttestAttestationFacts(byte[]? KeyId, AppAttestEnvironment? Environment, long? Counter, byte[]? PublicKey);
