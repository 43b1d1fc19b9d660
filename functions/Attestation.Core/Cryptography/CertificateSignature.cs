using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Caching;

namespace Attestation.Core.Cryptography;

/// <summary>
/// Checks a certificate's signature with a given public key: <c>Certificate ::= SEQUENCE { tbsCertificate,
/// signatureAlgorithm, signatureValue }</c> (RFC 5280 section 4.1), ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512.
/// </summary>
/// <remarks>
/// <c>VerifyRemembered</c> is for certificate authorities' certificates, which come back on every attestation: that a
/// certificate (these exact bytes) is signed by a key (that exact SubjectPublicKeyInfo) never changes, so a success is kept
/// (for the <see cref="CacheCapacity"/> certificates seen most recently). Only the signature is remembered: validity dates,
/// names and extensions stay the caller's to check on every call. Failures are not kept, so a forgery costs its full check
/// each time and cannot push anything but older successes out. A leaf, new on every call, is checked with
/// <c>Verify</c>, which keeps nothing.
/// </remarks>
public static class CertificateSignature
{
    /// <summary>The most certificate signatures remembered.</summary>
    public const int CacheCapacity = 4096;

    // Certificate DER -> the SubjectPublicKeyInfo its signature verified with.
    private static readonly BoundedCache<byte[]> VerifiedIssuers = new(CacheCapacity);

    /// <summary>The certificate signatures remembered now (for tests and diagnostics).</summary>
    public static int RememberedCount => VerifiedIssuers.Count;

    /// <summary>True when <paramref name="certificate"/> is signed by the key <paramref name="issuerSubjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    /// <exception cref="AsnContentException">The certificate is not well-formed.</exception>
    public static bool Verify(X509Certificate2 certificate, ReadOnlySpan<byte> issuerSubjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Verify(certificate.RawDataMemory, issuerSubjectPublicKeyInfo);
    }

    /// <summary>True when the DER certificate <paramref name="certificate"/> is signed by the key <paramref name="issuerSubjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    /// <exception cref="AsnContentException">The certificate is not well-formed.</exception>
    public static bool Verify(ReadOnlyMemory<byte> certificate, ReadOnlySpan<byte> issuerSubjectPublicKeyInfo)
    {
        // The signature covers the tbsCertificate bytes exactly as sent.
        var reader = new AsnReader(certificate, AsnEncodingRules.BER);
        var outer = reader.ReadSequence();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        var signature = outer.ReadBitString(out var unusedBits);
        if (unusedBits != 0)
        {
            return false;
        }

        (HashAlgorithmName Hash, PublicKeyAlgorithm Key) scheme;
        switch (oid)
        {
            case "1.2.840.10045.4.3.2": scheme = (HashAlgorithmName.SHA256, PublicKeyAlgorithm.Ecdsa); break;
            case "1.2.840.10045.4.3.3": scheme = (HashAlgorithmName.SHA384, PublicKeyAlgorithm.Ecdsa); break;
            case "1.2.840.10045.4.3.4": scheme = (HashAlgorithmName.SHA512, PublicKeyAlgorithm.Ecdsa); break;
            case "1.2.840.113549.1.1.11": scheme = (HashAlgorithmName.SHA256, PublicKeyAlgorithm.Rsa); break;
            case "1.2.840.113549.1.1.12": scheme = (HashAlgorithmName.SHA384, PublicKeyAlgorithm.Rsa); break;
            case "1.2.840.113549.1.1.13": scheme = (HashAlgorithmName.SHA512, PublicKeyAlgorithm.Rsa); break;
            default: return false;
        }

        try
        {
            return PublicKeySignature.VerifyData(issuerSubjectPublicKeyInfo, scheme.Key, tbs.Span, signature, scheme.Hash);
        }
        catch (PlatformNotSupportedException)
        {
            // A curve this platform does not know (seen with mangled curve OIDs): no signature can verify with it.
            return false;
        }
    }

    /// <summary>
    /// As <see cref="Verify(ReadOnlyMemory{byte}, ReadOnlySpan{byte})"/>, remembering a success for these exact certificate
    /// and key bytes (see the class remarks): for the certificates of certificate authorities only.
    /// </summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    /// <exception cref="AsnContentException">The certificate is not well-formed.</exception>
    public static bool VerifyRemembered(ReadOnlyMemory<byte> certificate, ReadOnlySpan<byte> issuerSubjectPublicKeyInfo)
    {
        if (VerifiedIssuers.TryGet(certificate.Span, out var verifiedWith) && issuerSubjectPublicKeyInfo.SequenceEqual(verifiedWith))
        {
            return true;
        }

        if (!Verify(certificate, issuerSubjectPublicKeyInfo))
        {
            return false;
        }

        VerifiedIssuers.GetOrAdd(certificate.Span, issuerSubjectPublicKeyInfo.ToArray());
        return true;
    }

    /// <inheritdoc cref="VerifyRemembered(ReadOnlyMemory{byte}, ReadOnlySpan{byte})"/>
    public static bool VerifyRemembered(X509Certificate2 certificate, ReadOnlySpan<byte> issuerSubjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return VerifyRemembered(certificate.RawDataMemory, issuerSubjectPublicKeyInfo);
    }
}
