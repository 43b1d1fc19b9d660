using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Tests.Cryptography;

public sealed class CertificateSignatureTests : IDisposable
{
    private static readonly DateTimeOffset NotBefore = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _subjectKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public void TheRememberedAnswerIsTheOneOfAFullCheck()
    {
        using var certificate = Issue(_issuerKey, serial: 1);
        var issuer = _issuerKey.ExportSubjectPublicKeyInfo();
        var other = _otherKey.ExportSubjectPublicKeyInfo();

        for (var i = 0; i < 3; i++)
        {
            Assert.True(CertificateSignature.Verify(certificate, issuer));
            Assert.True(CertificateSignature.VerifyRemembered(certificate, issuer));
            Assert.False(CertificateSignature.Verify(certificate, other));
            Assert.False(CertificateSignature.VerifyRemembered(certificate, other));
        }
    }

    [Fact]
    public void ACertificateWithTheSameSubjectAndKeyButOtherBytesIsNotTakenForTheRememberedOne()
    {
        using var genuine = Issue(_issuerKey, serial: 2);
        using var forged = Issue(_otherKey, serial: 2);
        var issuer = _issuerKey.ExportSubjectPublicKeyInfo();
        Assert.True(CertificateSignature.VerifyRemembered(genuine, issuer));

        Assert.Equal(genuine.SubjectName.RawData, forged.SubjectName.RawData);
        Assert.Equal(genuine.PublicKey.ExportSubjectPublicKeyInfo(), forged.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.False(CertificateSignature.VerifyRemembered(forged, issuer));
    }

    [Fact]
    public void AFloodOfDistinctCertificatesLeavesTheMemoryAtItsBound()
    {
        // A P-256 issuer: the flood costs one signature check per certificate.
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = p256.ExportSubjectPublicKeyInfo();
        using var certificate = Issue(p256, serial: 3);
        var der = certificate.RawData;

        // Distinct bytes that verify: the same certificate with bytes appended after its DER (read as BER, the trailing bytes are ignored).
        for (var i = 0; i < CertificateSignature.CacheCapacity + 256; i++)
        {
            Assert.True(CertificateSignature.VerifyRemembered((byte[])[.. der, .. BitConverter.GetBytes(i)], issuer));
        }

        Assert.True(CertificateSignature.RememberedCount <= CertificateSignature.CacheCapacity);
    }

    public void Dispose()
    {
        _issuerKey.Dispose();
        _otherKey.Dispose();
        _subjectKey.Dispose();
    }

    private X509Certificate2 Issue(ECDsa signer, byte serial)
    {
        var request = new CertificateRequest("CN=Same Subject, O=Attestation Tests", _subjectKey, HashAlgorithmName.SHA384);
        return request.Create(new X500DistinguishedName("CN=Issuer, O=Attestation Tests"), X509SignatureGenerator.CreateForECDsa(signer), NotBefore, NotBefore.AddYears(10), [serial]);
    }
}
