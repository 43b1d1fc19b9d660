using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Attestation.Benchmarks;

/// <summary>
/// The floors the verifiers are measured against (docs/performance.md): one ECDSA check with a key imported once, and the
/// same with the key imported from its SubjectPublicKeyInfo on every call. An App Attest attestation cannot beat one
/// P-384 check (the credential certificate, signed by Apple's P-384 intermediate, is new every time), nor an assertion one
/// P-256 check.
/// </summary>
public class SignatureFloorBenchmarks : IDisposable
{
    private readonly byte[] _data = RandomNumberGenerator.GetBytes(600);
    private readonly ECDsa _p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _p384Public = ECDsa.Create();
    private readonly ECDsa _p256Public = ECDsa.Create();
    private readonly byte[] _p384Spki;
    private readonly byte[] _p256Spki;
    private readonly byte[] _p384Signature;
    private readonly byte[] _p256Signature;

    public SignatureFloorBenchmarks()
    {
        _p384Spki = _p384.ExportSubjectPublicKeyInfo();
        _p256Spki = _p256.ExportSubjectPublicKeyInfo();
        _p384Signature = _p384.SignData(_data, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
        _p256Signature = _p256.SignData(_data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        _p384Public.ImportSubjectPublicKeyInfo(_p384Spki, out _);
        _p256Public.ImportSubjectPublicKeyInfo(_p256Spki, out _);
    }

    [Benchmark]
    public bool VerifyP384() => _p384Public.VerifyData(_data, _p384Signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public bool ImportAndVerifyP384()
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_p384Spki, out _);
        return key.VerifyData(_data, _p384Signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
    }

    [Benchmark]
    public bool VerifyP256() => _p256Public.VerifyData(_data, _p256Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark]
    public bool ImportAndVerifyP256()
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_p256Spki, out _);
        return key.VerifyData(_data, _p256Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose()
    {
        _p384.Dispose();
        _p256.Dispose();
        _p384Public.Dispose();
        _p256Public.Dispose();
        GC.SuppressFinalize(this);
    }
}
