using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Checks a certificate's signature with a given public key: <c>Certificate ::= SEQUENCE { tbsCertificate,
/// signatureAlgorithm, signatureValue }</c> (RFC 5280 section 4.1), ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512.
/// </summary>
public static class AndroidCertificateSignature
{
    /// <summary>True when <paramref name="certificate"/> is signed by the key of <paramref name="issuer"/>.</summary>
    /// <exception cref="CryptographicException">The issuer's key cannot be used.</exception>
    /// <exception cref="AsnContentException">The certificate is not well-formed.</exception>
    public static bool Verify(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);

        // The issuer certificate's own key object: importing the SubjectPublicKeyInfo again costs far more on OpenSSL 3.
        return Verify(certificate, (hash, ecdsa, tbs, signature) =>
        {
            try
            {
                if (ecdsa)
                {
                    using var key = issuer.GetECDsaPublicKey();
                    return key is not null && key.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
                }

                using var rsa = issuer.GetRSAPublicKey();
                return rsa is not null && rsa.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
            }
            catch (PlatformNotSupportedException)
            {
                return false;
            }
        });
    }

    /// <summary>True when <paramref name="certificate"/> is signed by the key <paramref name="issuerSubjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    /// <exception cref="AsnContentException">The certificate is not well-formed.</exception>
    public static bool Verify(X509Certificate2 certificate, byte[] issuerSubjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(issuerSubjectPublicKeyInfo);
        return Verify(certificate, (hash, ecdsa, tbs, signature) => VerifyData(issuerSubjectPublicKeyInfo, tbs, signature, hash, ecdsa));
    }

    private delegate bool SignatureCheck(HashAlgorithmName hash, bool ecdsa, ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> signature);

    private static bool Verify(X509Certificate2 certificate, SignatureCheck check)
    {
        ArgumentNullException.ThrowIfNull(certificate);

        // The signature covers the tbsCertificate bytes exactly as sent.
        var reader = new AsnReader(certificate.RawDataMemory, AsnEncodingRules.BER);
        var outer = reader.ReadSequence();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        var signature = outer.ReadBitString(out var unusedBits);
        if (unusedBits != 0)
        {
            return false;
        }

        HashAlgorithmName hash;
        bool ecdsa;
        switch (oid)
        {
            case "1.2.840.10045.4.3.2": (hash, ecdsa) = (HashAlgorithmName.SHA256, true); break;
            case "1.2.840.10045.4.3.3": (hash, ecdsa) = (HashAlgorithmName.SHA384, true); break;
            case "1.2.840.10045.4.3.4": (hash, ecdsa) = (HashAlgorithmName.SHA512, true); break;
            case "1.2.840.113549.1.1.11": (hash, ecdsa) = (HashAlgorithmName.SHA256, false); break;
            case "1.2.840.113549.1.1.12": (hash, ecdsa) = (HashAlgorithmName.SHA384, false); break;
            case "1.2.840.113549.1.1.13": (hash, ecdsa) = (HashAlgorithmName.SHA512, false); break;
            default: return false;
        }

        return check(hash, ecdsa, tbs.Span, signature);
    }

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="data"/> with a SubjectPublicKeyInfo key: ECDSA (DER
    /// signature) when <paramref name="ecdsa"/>, RSA PKCS#1 v1.5 otherwise. False when the key is of the other kind.
    /// </summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    public static bool VerifyData(byte[] subjectPublicKeyInfo, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash, bool ecdsa)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        try
        {
            return VerifyWithKey(subjectPublicKeyInfo, KeyKind(subjectPublicKeyInfo), data, signature, hash, ecdsa);
        }
        catch (PlatformNotSupportedException)
        {
            // A curve this platform does not know (seen with mangled curve OIDs): no signature can verify with it.
            return false;
        }
    }

    private static bool VerifyWithKey(byte[] subjectPublicKeyInfo, string kind, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash, bool ecdsa)
    {
        if (ecdsa && kind == "1.2.840.10045.2.1")
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        if (!ecdsa && kind == "1.2.840.113549.1.1.1")
        {
            using var key = RSA.Create();
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
        }

        return false;
    }

    /// <summary>The algorithm OID of a SubjectPublicKeyInfo (<c>1.2.840.10045.2.1</c> EC, <c>1.2.840.113549.1.1.1</c> RSA).</summary>
    /// <exception cref="AsnContentException">The bytes are not a SubjectPublicKeyInfo.</exception>
    public static string KeyKind(byte[] subjectPublicKeyInfo)
    {
        var reader = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER);
        var spki = reader.ReadSequence();
        return spki.ReadSequence().ReadObjectIdentifier();
    }
}
