using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Tests.Cryptography;

public sealed class DerCertificateTests
{
    [Fact]
    public void TheFieldsAreThoseX509Certificate2Reads()
    {
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Leaf, O=Attestation Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509Extension("1.2.840.113635.100.8.2", [0x30, 0x00], false));
        var notBefore = new DateTimeOffset(2049, 12, 31, 23, 59, 59, TimeSpan.Zero);
        using var certificate = request.Create(new X500DistinguishedName("CN=Issuer"), X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notBefore.AddYears(2), [7, 7]);

        var read = DerCertificate.Read(certificate.RawData);

        Assert.Equal(certificate.IssuerName.RawData, read.Issuer.ToArray());
        Assert.Equal(certificate.SubjectName.RawData, read.Subject.ToArray());
        Assert.Equal(certificate.NotBefore.ToUniversalTime(), read.NotBefore.UtcDateTime);
        Assert.Equal(certificate.NotAfter.ToUniversalTime(), read.NotAfter.UtcDateTime);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), read.SubjectPublicKeyInfo.ToArray());
        Assert.Equal(certificate.Extensions.Select(e => (e.Oid!.Value, e.Critical, e.RawData)), read.Extensions.Select(e => ((string?)e.Oid, e.Critical, e.Value)));
        Assert.True(CertificateSignature.Verify(read.Raw, issuerKey.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void BytesAfterTheCertificateAreRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=Leaf", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1));

        Assert.Throws<AsnContentException>(() => DerCertificate.Read((byte[])[.. certificate.RawData, 0]));
    }

    [Fact]
    public void AnExtensionThatAppearsTwiceIsRefused()
    {
        Assert.NotNull(DerCertificate.Read(HandMade("1.2.840.113635.100.8.2", "1.2.840.113635.100.8.7")).Extension("1.2.840.113635.100.8.7"));

        Assert.Throws<AsnContentException>(() => DerCertificate.Read(HandMade("1.2.840.113635.100.8.2", "1.2.840.113635.100.8.2")));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x30, 0x00 })]
    [InlineData(new byte[] { 0x04, 0x01, 0x00 })]
    public void BytesThatAreNotACertificateAreRefused(byte[] bytes) =>
        Assert.Throws<AsnContentException>(() => DerCertificate.Read(bytes));

    // CertificateRequest refuses to repeat an extension, so this certificate is written field by field (RFC 5280 section 4.1).
    private static byte[] HandMade(params string[] extensionOids)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteInteger(2);
                }

                writer.WriteInteger(1);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
                }

                writer.WriteEncodedValue(new X500DistinguishedName("CN=Issuer").RawData);
                using (writer.PushSequence())
                {
                    writer.WriteUtcTime(DateTimeOffset.UnixEpoch.AddYears(40));
                    writer.WriteUtcTime(DateTimeOffset.UnixEpoch.AddYears(41));
                }

                writer.WriteEncodedValue(new X500DistinguishedName("CN=Leaf").RawData);
                writer.WriteEncodedValue(key.ExportSubjectPublicKeyInfo());
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                using (writer.PushSequence())
                {
                    foreach (var oid in extensionOids)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(oid);
                            writer.WriteOctetString([0x05, 0x00]);
                        }
                    }
                }
            }

            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            }

            writer.WriteBitString([0x30, 0x00]);
        }

        return writer.Encode();
    }
}
