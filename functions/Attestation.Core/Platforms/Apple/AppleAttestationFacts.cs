namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// What could be read from an attestation object without verifying it (<see cref="AppleAppAttestFactsReader"/>, for the
/// offline tool); each part is null when unreadable. Nothing in it is trusted.
/// </summary>
/// <param name="KeyId">SHA-256 of the credential certificate's key, else the credential id of the authenticator data.</param>
/// <param name="Environment">From the aaguid.</param>
/// <param name="Counter">The authenticator data's counter.</param>
/// <param name="PublicKey">The credential certificate's key as SubjectPublicKeyInfo DER.</param>
public sealed record AppleAttestationFacts(byte[]? KeyId, AppAttestEnvironment? Environment, long? Counter, byte[]? PublicKey);
