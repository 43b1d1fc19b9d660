namespace Attestation.Core.Platforms.Android;

/// <summary><c>{"signature": b64}</c>, the proof of a refresh, after its shape was checked (docs/api.md).</summary>
public sealed class AndroidKeySignatureProof(byte[] signature)
{
    /// <summary>The attested key's signature over the challenge's UTF-8 bytes.</summary>
    public byte[] Signature { get; } = signature;
}
