using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// What the credential certificate (credCert, the first certificate of <c>x5c</c>) certifies: the nonce and the key
/// (Apple's "Verify the attestation", steps 4 and 5). As the other readers of this folder, a shape problem is a
/// <see cref="FormatException"/> naming the field; a certificate that cannot be processed at all raises
/// <see cref="CryptographicException"/>.
/// </summary>
internal static class AppAttestCredentialCertificate
{
    /// <summary>The credCert extension holding the nonce.</summary>
    public const string NonceExtensionOid = "1.2.840.113635.100.8.2";

    /// <summary>The nonce: extension 1.2.840.113635.100.8.2 is a DER SEQUENCE holding one [1] OCTET STRING.</summary>
    /// <exception cref="FormatException">The extension is missing or malformed.</exception>
    public static byte[] ReadNonce(X509Certificate2 credentialCertificate)
    {
        // Unknown extensions (newer leaves carry OS version fields, for example) are ignored: only this one is read.
        var extension = credentialCertificate.Extensions[NonceExtensionOid]
            ?? throw new FormatException($"The credential certificate has no nonce extension ({NonceExtensionOid}).");
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var tagged = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
            var nonce = tagged.ReadOctetString();
            tagged.ThrowIfNotEmpty();
            return nonce;
        }
        catch (AsnContentException)
        {
            throw new FormatException($"The nonce extension ({NonceExtensionOid}) of the credential certificate is malformed.");
        }
    }

    /// <summary>The certified key: its uncompressed P-256 point (whose SHA-256 is the key id) and its SubjectPublicKeyInfo DER.</summary>
    /// <exception cref="FormatException">The key is not an ECDSA P-256 key.</exception>
    /// <exception cref="CryptographicException">The key cannot be read.</exception>
    public static (byte[] Point, byte[] SubjectPublicKeyInfo) ReadKey(X509Certificate2 credentialCertificate)
    {
        using var key = credentialCertificate.GetECDsaPublicKey();
        if (key is null || key.KeySize != 256)
        {
            throw new FormatException("The credential certificate's key is not an ECDSA P-256 key.");
        }

        return (credentialCertificate.PublicKey.EncodedKeyValue.RawData, key.ExportSubjectPublicKeyInfo());
    }
}
