namespace Attestation.Core.Tokens;

/// <summary>
/// The public part of an ES256 signing key as a JSON Web Key (RFC 7517 §4, RFC 7518 §6.2.1). It has no member for the
/// private part (<c>d</c>), so no JWKS made of these can show one.
/// </summary>
/// <param name="Kty">Key type, <c>EC</c>.</param>
/// <param name="Crv">Curve, <c>P-256</c>.</param>
/// <param name="X">base64url x coordinate.</param>
/// <param name="Y">base64url y coordinate.</param>
/// <param name="Kid">The key version, as in the token header.</param>
/// <param name="Use">Public key use, <c>sig</c>.</param>
/// <param name="Alg">Algorithm, <c>ES256</c>.</param>
public sealed record PublicSigningKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
