using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// One version of the token signing key; <see cref="Version"/> is the token's <c>kid</c>. In HS256 mode the secret is the
/// base64 text of at least 32 random bytes (the form API Management's validate-jwt takes too). In ES256 mode it is the
/// base64 text of a P-256 private key in PKCS#8 DER: the key is imported once here, when the version is loaded, since an
/// import costs more than a signature, and every token afterwards is signed and checked with the imported key.
/// </summary>
public sealed class SigningKey
{
    /// <summary>RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.</summary>
    public const int MinimumLength = 32;

    /// <summary>A PKCS#8 P-256 private key is about 138 bytes; anything far larger is no such key and is not parsed.</summary>
    private const int MaximumPrivateKeyLength = 4096;

    public SigningKey(string version, byte[] secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"A signing secret must have at least {MinimumLength} bytes.", nameof(secret));
        }

        Version = version;
        Algorithm = TokenAlgorithm.HS256;
        SecurityKey = new SymmetricSecurityKey(secret) { KeyId = version };
    }

    private SigningKey(string version, ECDsa privateKey)
    {
        Version = version;
        Algorithm = TokenAlgorithm.ES256;
        SecurityKey = new ECDsaSecurityKey(privateKey) { KeyId = version };

        // Exported without the private parameters: the published key cannot carry d, whatever a caller does with it.
        var publicPart = privateKey.ExportParameters(includePrivateParameters: false);
        PublicKey = new PublicSigningKey(
            "EC", "P-256", Base64Flexible.ToBase64Url(publicPart.Q.X!), Base64Flexible.ToBase64Url(publicPart.Q.Y!), version, "sig", "ES256");
    }

    public string Version { get; }

    /// <summary>What this key signs and verifies.</summary>
    public TokenAlgorithm Algorithm { get; }

    /// <summary>ES256: the public part as a JSON Web Key (RFC 7517, RFC 7518 §6.2.1) for the JWKS. HS256: null, nothing is public.</summary>
    public PublicSigningKey? PublicKey { get; }

    /// <summary>The JWS <c>alg</c> of <see cref="Algorithm"/>.</summary>
    internal string SecurityAlgorithm => Algorithm == TokenAlgorithm.ES256 ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.HmacSha256;

    internal SecurityKey SecurityKey { get; }

    /// <summary>Reads a secret stored as base64; null when it is not base64 of at least <see cref="MinimumLength"/> bytes.</summary>
    public static SigningKey? FromBase64(string version, string? base64Secret)
    {
        if (string.IsNullOrWhiteSpace(base64Secret) || !Base64Flexible.TryDecode(base64Secret.Trim(), out var bytes) || bytes.Length < MinimumLength)
        {
            return null;
        }

        return new SigningKey(version, bytes);
    }

    /// <summary>
    /// Reads a P-256 private key stored as base64 of PKCS#8 DER (what <c>openssl genpkey -algorithm EC -pkeyopt
    /// ec_paramgen_curve:P-256 | openssl pkcs8 -topk8 -nocrypt -outform DER | openssl base64 -A</c> prints); null when it is
    /// anything else, another curve included.
    /// </summary>
    public static SigningKey? FromEcPrivateKey(string version, string? base64Pkcs8)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        if (string.IsNullOrWhiteSpace(base64Pkcs8) || base64Pkcs8.Length > MaximumPrivateKeyLength * 2
            || !Base64Flexible.TryDecode(base64Pkcs8.Trim(), out var der) || der.Length > MaximumPrivateKeyLength)
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(der, out var read);
            var parameters = key.ExportParameters(includePrivateParameters: false);

            // RFC 7518 §3.4: ES256 is P-256 only; a key on another curve would sign tokens no verifier of ES256 accepts.
            if (read != der.Length || !parameters.Curve.IsNamed || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                key.Dispose();
                return null;
            }

            return new SigningKey(version, key);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>Reads a stored secret as <paramref name="algorithm"/>'s key; null when it is not one.</summary>
    public static SigningKey? Read(TokenAlgorithm algorithm, string version, string? secret) =>
        algorithm == TokenAlgorithm.ES256 ? FromEcPrivateKey(version, secret) : FromBase64(version, secret);

    /// <summary>Never the secret: this type is logged by accident sooner or later.</summary>
    public override string ToString() => $"SigningKey({Algorithm}, version {Version})";
}
