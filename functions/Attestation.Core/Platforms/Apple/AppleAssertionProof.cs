namespace Attestation.Core.Platforms.Apple;

/// <summary><c>{"assertion": b64}</c>, the proof of a refresh, after its shape was checked (docs/api.md).</summary>
public sealed class AppleAssertionProof(byte[] assertion)
{
    /// <summary>The CBOR assertion <c>generateAssertion</c> returned.</summary>
    public byte[] Assertion { get; } = assertion;
}
