using System.Formats.Asn1;

namespace Attestation.Core.Cryptography;

/// <summary>
/// The fields of an X.509 certificate (RFC 5280 section 4.1) that the verifiers read, read with
/// <see cref="System.Formats.Asn1"/>. Used for certificates that are new on every call (an App Attest credential
/// certificate): <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2"/> on OpenSSL 3 decodes and
/// checks the public key while parsing, which costs as much as a third of an ECDSA P-384 verification, for a key that is
/// then only hashed. Nothing read here is trusted until the signature over <see cref="Raw"/>'s tbsCertificate verifies
/// (<see cref="CertificateSignature"/>).
/// </summary>
public sealed class DerCertificate
{
    private DerCertificate(
        ReadOnlyMemory<byte> raw,
        ReadOnlyMemory<byte> issuer,
        ReadOnlyMemory<byte> subject,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        ReadOnlyMemory<byte> subjectPublicKeyInfo,
        IReadOnlyList<DerCertificateExtension> extensions)
    {
        Raw = raw;
        Issuer = issuer;
        Subject = subject;
        NotBefore = notBefore;
        NotAfter = notAfter;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        Extensions = extensions;
    }

    /// <summary>The certificate's DER, as given.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>The issuer Name's DER.</summary>
    public ReadOnlyMemory<byte> Issuer { get; }

    /// <summary>The subject Name's DER.</summary>
    public ReadOnlyMemory<byte> Subject { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>The SubjectPublicKeyInfo's DER.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    public IReadOnlyList<DerCertificateExtension> Extensions { get; }

    /// <summary>The extension <paramref name="oid"/>, or null.</summary>
    public DerCertificateExtension? Extension(string oid) => Extensions.FirstOrDefault(e => e.Oid == oid);

    /// <summary>Reads <paramref name="der"/>, which must be one DER certificate and nothing more.</summary>
    /// <exception cref="AsnContentException">It is not a DER X.509 v3 (or v1) certificate.</exception>
    public static DerCertificate Read(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var tbs = certificate.ReadSequence();
        certificate.ReadSequence(); // signatureAlgorithm
        certificate.ReadBitString(out _);
        certificate.ThrowIfNotEmpty();

        var versionTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.PeekTag().HasSameClassAndValue(versionTag))
        {
            var version = tbs.ReadSequence(versionTag);
            version.ReadInteger();
            version.ThrowIfNotEmpty();
        }

        tbs.ReadIntegerBytes(); // serialNumber
        tbs.ReadSequence(); // signature
        var issuer = tbs.ReadEncodedValue();
        var validity = tbs.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        validity.ThrowIfNotEmpty();
        var subject = tbs.ReadEncodedValue();
        var subjectPublicKeyInfo = tbs.ReadEncodedValue();

        var extensions = new List<DerCertificateExtension>();
        var issuerUniqueId = new Asn1Tag(TagClass.ContextSpecific, 1);
        var subjectUniqueId = new Asn1Tag(TagClass.ContextSpecific, 2);
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        while (tbs.HasData)
        {
            var tag = tbs.PeekTag();
            if (tag.HasSameClassAndValue(issuerUniqueId) || tag.HasSameClassAndValue(subjectUniqueId))
            {
                tbs.ReadEncodedValue();
            }
            else if (tag.HasSameClassAndValue(extensionsTag))
            {
                var list = tbs.ReadSequence(extensionsTag).ReadSequence();
                while (list.HasData)
                {
                    var extension = list.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                    var value = extension.ReadOctetString();
                    extension.ThrowIfNotEmpty();

                    // RFC 5280 section 4.2: no extension appears twice (OpenSSL refuses such a certificate too).
                    if (extensions.Any(e => e.Oid == oid))
                    {
                        throw new AsnContentException($"The extension {oid} appears twice.");
                    }

                    extensions.Add(new DerCertificateExtension(oid, critical, value));
                }
            }
            else
            {
                throw new AsnContentException("The tbsCertificate has an unexpected field.");
            }
        }

        return new DerCertificate(der, issuer, subject, notBefore, notAfter, subjectPublicKeyInfo, extensions);
    }

    // Time ::= CHOICE { utcTime, generalTime }; RFC 5280 section 4.1.2.5.1: a UTCTime year below 50 is 20YY.
    private static DateTimeOffset ReadTime(AsnReader validity) =>
        validity.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? validity.ReadUtcTime(twoDigitYearMax: 2049) : validity.ReadGeneralizedTime();
}

/// <summary>One extension of a <see cref="DerCertificate"/>.</summary>
/// <param name="Oid">extnID.</param>
/// <param name="Critical">The critical flag (absent is false).</param>
/// <param name="Value">The content of extnValue's OCTET STRING.</param>
public sealed record DerCertificateExtension(string Oid, bool Critical, byte[] Value);
