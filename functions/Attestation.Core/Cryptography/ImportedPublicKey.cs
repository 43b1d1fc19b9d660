using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Attestation.Core.Cryptography;

/// <summary>
/// One public key, imported from its SubjectPublicKeyInfo, as a small pool of key objects. .NET does not promise that one
/// <see cref="ECDsa"/> or <see cref="RSA"/> instance may verify from several threads at once (OpenSSL allows it for an
/// unmodified key, but that is an implementation detail), so a caller rents an instance, verifies, and returns it: one
/// thread at a time per instance, and a thread that finds every instance busy imports another rather than wait. The pool
/// holds at most <see cref="Slots"/> idle instances.
/// </summary>
internal sealed class ImportedPublicKey : IDisposable
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

    private static readonly int Slots = Math.Clamp(Environment.ProcessorCount, 1, 8);

    private readonly byte[] _subjectPublicKeyInfo;
    private readonly AsymmetricAlgorithm?[] _idle = new AsymmetricAlgorithm?[Slots];
    private volatile bool _retired;

    private ImportedPublicKey(byte[] subjectPublicKeyInfo, PublicKeyAlgorithm algorithm, AsymmetricAlgorithm first)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Algorithm = algorithm;
        _idle[0] = first;
    }

    public PublicKeyAlgorithm Algorithm { get; }

    /// <summary>Imports <paramref name="subjectPublicKeyInfo"/> (the array is kept, not copied).</summary>
    /// <exception cref="CryptographicException">The bytes are not an EC or RSA SubjectPublicKeyInfo that imports.</exception>
    /// <exception cref="PlatformNotSupportedException">An EC curve this platform does not know.</exception>
    public static ImportedPublicKey Import(byte[] subjectPublicKeyInfo)
    {
        var algorithm = AlgorithmOf(subjectPublicKeyInfo);
        return new ImportedPublicKey(subjectPublicKeyInfo, algorithm, Create(subjectPublicKeyInfo, algorithm));
    }

    /// <summary>Verifies <paramref name="signature"/> over <paramref name="data"/>: ECDSA with a DER signature, or RSA PKCS#1 v1.5.</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        var key = Rent();
        try
        {
            return key switch
            {
                ECDsa ecdsa => ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence),
                RSA rsa => rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1),
                _ => false,
            };
        }
        finally
        {
            Return(key);
        }
    }

    /// <summary>Called when the cache drops this key: idle instances are freed now, rented ones when they come back.</summary>
    public void Dispose()
    {
        _retired = true;
        for (var i = 0; i < _idle.Length; i++)
        {
            Interlocked.Exchange(ref _idle[i], null)?.Dispose();
        }
    }

    private AsymmetricAlgorithm Rent()
    {
        for (var i = 0; i < _idle.Length; i++)
        {
            if (Interlocked.Exchange(ref _idle[i], null) is { } key)
            {
                return key;
            }
        }

        return Create(_subjectPublicKeyInfo, Algorithm);
    }

    private void Return(AsymmetricAlgorithm key)
    {
        if (!_retired)
        {
            for (var i = 0; i < _idle.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _idle[i], key, null) is null)
                {
                    // Retired meanwhile: take it back unless Dispose already has.
                    if (_retired && ReferenceEquals(Interlocked.CompareExchange(ref _idle[i], null, key), key))
                    {
                        key.Dispose();
                    }

                    return;
                }
            }
        }

        key.Dispose();
    }

    private static PublicKeyAlgorithm AlgorithmOf(byte[] subjectPublicKeyInfo)
    {
        string oid;
        try
        {
            var reader = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.DER);
            oid = reader.ReadSequence().ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("The bytes are not a DER SubjectPublicKeyInfo.", e);
        }

        return oid switch
        {
            EcPublicKeyOid => PublicKeyAlgorithm.Ecdsa,
            RsaEncryptionOid => PublicKeyAlgorithm.Rsa,
            _ => throw new CryptographicException("The key is neither an EC nor an RSA key."),
        };
    }

    private static AsymmetricAlgorithm Create(byte[] subjectPublicKeyInfo, PublicKeyAlgorithm algorithm)
    {
        AsymmetricAlgorithm key = algorithm == PublicKeyAlgorithm.Ecdsa ? ECDsa.Create() : RSA.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
