using System.Security.Cryptography;
using Attestation.Core.Caching;

namespace Attestation.Core.Cryptography;

/// <summary>
/// Signature checks with public keys given as SubjectPublicKeyInfo bytes, each key imported once and kept for the keys seen
/// most recently (<see cref="CacheCapacity"/>). Importing costs more than verifying on OpenSSL 3 (about three times for
/// P-256), and the same keys come back: a device's key on every refresh, an attestation CA's key on every attestation.
/// A key that does not import is never kept, so it fails the same way on every call.
/// </summary>
public static class PublicKeySignature
{
    /// <summary>The most keys held. Each costs a few kilobytes; a flood of distinct keys only evicts older ones.</summary>
    public const int CacheCapacity = 4096;

    private static readonly BoundedCache<ImportedPublicKey> Keys = new(CacheCapacity);

    /// <summary>The keys held now (for tests and diagnostics).</summary>
    public static int CachedKeyCount => Keys.Count;

    /// <summary>The algorithm of the key <paramref name="subjectPublicKeyInfo"/>.</summary>
    /// <exception cref="CryptographicException">The bytes are not an EC or RSA SubjectPublicKeyInfo that imports.</exception>
    /// <exception cref="PlatformNotSupportedException">An EC curve this platform does not know.</exception>
    public static PublicKeyAlgorithm AlgorithmOf(ReadOnlySpan<byte> subjectPublicKeyInfo) => Get(subjectPublicKeyInfo).Algorithm;

    /// <summary>
    /// True when <paramref name="signature"/> over <paramref name="data"/> verifies with the key <paramref name="subjectPublicKeyInfo"/>
    /// as a signature of <paramref name="algorithm"/> (ECDSA with a DER signature, or RSA PKCS#1 v1.5). False when the key is
    /// of the other algorithm.
    /// </summary>
    /// <exception cref="CryptographicException">The bytes are not an EC or RSA SubjectPublicKeyInfo that imports.</exception>
    /// <exception cref="PlatformNotSupportedException">An EC curve this platform does not know.</exception>
    public static bool VerifyData(ReadOnlySpan<byte> subjectPublicKeyInfo, PublicKeyAlgorithm algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        var key = Get(subjectPublicKeyInfo);
        return key.Algorithm == algorithm && key.VerifyData(data, signature, hash);
    }

    private static ImportedPublicKey Get(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Keys.GetOrAdd(subjectPublicKeyInfo, ImportedPublicKey.Import);
}
