using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Apple;

/// <summary><c>{"keyId": b64, "attestationObject": b64}</c> after its shape was checked (docs/api.md).</summary>
public sealed class AppleAttestationEvidence(byte[] keyId, byte[] attestationObject) : IAttestationEvidence
{
    /// <summary>The key id <c>generateKey</c> returned (32 bytes).</summary>
    public byte[] KeyId { get; } = keyId;

    /// <summary>The CBOR attestation object <c>attestKey</c> returned.</summary>
    public byte[] AttestationObject { get; } = attestationObject;

    /// <summary>The device id is the key id, so a decoy answer can name it without verifying anything.</summary>
    public string? ClaimedDeviceId { get; } = Base64Flexible.ToBase64Url(keyId);
}
