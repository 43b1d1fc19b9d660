using System.Formats.Asn1;
using System.Security.Cryptography;
using Attestation.Core.Cryptography;

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

    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    // The DER of the named curve prime256v1 (1.2.840.10045.3.1.7), the parameters of a P-256 key.
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>The nonce: extension 1.2.840.113635.100.8.2 is a DER SEQUENCE holding one [1] OCTET STRING.</summary>
    /// <exception cref="FormatException">The extension is missing or malformed.</exception>
    public static byte[] ReadNonce(DerCertificate credentialCertificate)
    {
        // Unknown extensions (newer leaves carry OS version fields, for example) are ignored: only this one is read.
        var extension = credentialCertificate.Extension(NonceExtensionOid)
            ?? throw new FormatException($"The credential certificate has no nonce extension ({NonceExtensionOid}).");
        try
        {
            var reader = new AsnReader(extension.Value, AsnEncodingRules.DER);
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
    /// <remarks>
    /// Read from the certificate's SubjectPublicKeyInfo rather than imported: importing costs more than the rest of the
    /// attestation's checks but the signature, and the key is Apple's to vouch for once the chain verifies. Its shape is
    /// still checked: an EC key on P-256, an uncompressed point of 65 bytes.
    /// </remarks>
    public static (byte[] Point, byte[] SubjectPublicKeyInfo) ReadKey(DerCertificate credentialCertificate)
    {
        try
        {
            // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { id-ecPublicKey, namedCurve }, subjectPublicKey BIT STRING }
            var reader = new AsnReader(credentialCertificate.SubjectPublicKeyInfo, AsnEncodingRules.DER);
            var spki = reader.ReadSequence();
            var algorithm = spki.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            var parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : default;
            algorithm.ThrowIfNotEmpty();
            var point = spki.ReadBitString(out var unusedBits);
            spki.ThrowIfNotEmpty();
            if (oid != EcPublicKeyOid || !parameters.Span.SequenceEqual(P256Parameters) || unusedBits != 0 || point.Length != 65 || point[0] != 0x04)
            {
                throw new FormatException("The credential certificate's key is not an ECDSA P-256 key.");
            }

            return (point, credentialCertificate.SubjectPublicKeyInfo.ToArray());
        }
        catch (AsnContentException)
        {
            throw new FormatException("The credential certificate's key is not an ECDSA P-256 key.");
        }
    }
}
