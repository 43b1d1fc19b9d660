namespace Attestation.Core.Tokens;

/// <summary>
/// The one JWS algorithm a deployment signs and accepts (<c>Attestation:Token:Algorithm</c>, docs/api.md "The token"). A
/// deployment never accepts both: a verifier that took either would let a token of one kind pass where the other was meant.
/// </summary>
public enum TokenAlgorithm
{
    /// <summary>HMAC SHA-256 with a shared secret: every verifier holds a key that could also mint tokens.</summary>
    HS256,

    /// <summary>ECDSA P-256 SHA-256: the private key stays in the backend, verifiers need only the public keys (JWKS).</summary>
    ES256,
}
