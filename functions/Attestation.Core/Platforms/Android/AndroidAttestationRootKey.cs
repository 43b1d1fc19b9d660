using System.Formats.Asn1;
using System.Security.Cryptography;
using Attestation.Core.Cryptography;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>A trusted attestation root, pinned by its public key (SubjectPublicKeyInfo DER), never by certificate bytes.</summary>
/// <param name="Kind">A short name reported as <c>rootKind</c>: <c>google-rsa</c>, <c>google-ec-ca1</c> or <c>test</c>.</param>
/// <param name="SubjectPublicKeyInfo">The pinned key.</param>
public sealed record AndroidAttestationRootKey(string Kind, byte[] SubjectPublicKeyInfo)
{
    /// <summary>
    /// The key of a <see cref="AndroidKeyAttestationOptions.TestOnlyTrustedRootPublicKeys"/> entry (base64 SubjectPublicKeyInfo
    /// DER of an EC or RSA key), of kind <c>test</c>; null when it is not one.
    /// </summary>
    public static AndroidAttestationRootKey? TryReadTestRoot(string? base64)
    {
        if (!Base64Flexible.TryDecode(base64, out var spki))
        {
            return null;
        }

        try
        {
            // Imports the key (EC or RSA), so that a key that cannot be used is refused at start.
            _ = PublicKeySignature.AlgorithmOf(spki);
            return new AndroidAttestationRootKey("test", spki);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
