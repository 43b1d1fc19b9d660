using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Formats.Cbor;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Attestation.TestSupport;

/// <summary>
/// A stand-in for Apple's App Attest CA, for tests only: a root and an intermediate made with <see cref="CertificateRequest"/>,
/// which certify device keys exactly as Apple's do (nonce extension 1.2.840.113635.100.8.2, key id = SHA-256 of the point).
/// Only a verifier configured to trust <see cref="RootCertificate"/> accepts what it issues. Under the same root it also
/// stands in for Apple's receipt signing ("Apple Application Integration CA 5 - G1" under Apple Root CA - G3): each attestation
/// carries a PKCS#7 receipt laid out as Apple's.
/// </summary>
public sealed class AppAttestTestAuthority : IDisposable
{
    public const string NonceExtensionOid = "1.2.840.113635.100.8.2";

    public static readonly byte[] DevelopmentAaguid = "appattestdevelop"u8.ToArray();
    public static readonly byte[] ProductionAaguid = [.. "appattest"u8, 0, 0, 0, 0, 0, 0, 0];

    private static readonly DateTimeOffset CaNotBefore = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CaNotAfter = new(2045, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _receiptCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa _receiptSignerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public AppAttestTestAuthority(string name = "Test App Attestation")
    {
        var rootRequest = new CertificateRequest($"CN={name} Root CA, O=Attestation Tests", _rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        RootCertificate = rootRequest.CreateSelfSigned(CaNotBefore, CaNotAfter);

        var intermediateRequest = new CertificateRequest($"CN={name} CA 1, O=Attestation Tests", _intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        IntermediateCertificate = intermediateRequest.Create(
            RootCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_rootKey), CaNotBefore, CaNotAfter.AddDays(-1), [1, 2]);

        var receiptCaRequest = new CertificateRequest($"CN={name} Application Integration CA, O=Attestation Tests", _receiptCaKey, HashAlgorithmName.SHA384);
        receiptCaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        receiptCaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        ReceiptIntermediateCertificate = receiptCaRequest.Create(
            RootCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_rootKey), CaNotBefore, CaNotAfter.AddDays(-1), [3, 4]);

        var receiptSignerRequest = new CertificateRequest($"CN={name} Fraud Receipt Signing, O=Attestation Tests", _receiptSignerKey, HashAlgorithmName.SHA256);
        receiptSignerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        receiptSignerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var receiptSigner = receiptSignerRequest.Create(
            ReceiptIntermediateCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_receiptCaKey), CaNotBefore, CaNotAfter.AddDays(-2), [5, 6]);
        ReceiptSigningCertificate = receiptSigner.CopyWithPrivateKey(_receiptSignerKey);
    }

    /// <summary>The root a verifier must trust to accept this authority's attestations.</summary>
    public X509Certificate2 RootCertificate { get; }

    public X509Certificate2 IntermediateCertificate { get; }

    /// <summary>The CA between the root and <see cref="ReceiptSigningCertificate"/>; receipts carry it.</summary>
    public X509Certificate2 ReceiptIntermediateCertificate { get; }

    /// <summary>The certificate (with its private key) that signs receipts.</summary>
    public X509Certificate2 ReceiptSigningCertificate { get; }

    /// <summary>The root as PEM, the form <c>Attestation:AppleAppAttest:TestOnlyTrustedRoots</c> takes.</summary>
    public string RootPem => RootCertificate.ExportCertificatePem();

    /// <summary>An attestation object for <paramref name="device"/>, as <c>attestKey</c> would return it, shaped by <paramref name="shape"/>.</summary>
    public byte[] Attest(AppAttestTestDevice device, AttestationShape shape)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(shape);
        var authData = AuthenticatorData(shape.RpIdAppId ?? shape.AppId, shape.Flags, shape.Counter,
            [.. shape.Aaguid, .. U16(shape.CredentialId ?? device.KeyId), .. shape.CredentialId ?? device.KeyId, .. device.CoseKey(), .. shape.TrailingAuthDataBytes]);
        var nonce = shape.CertifiedNonce ?? SHA256.HashData([.. authData, .. shape.ClientDataHash]);
        var issuedAt = shape.IssuedAt;

        var leafRequest = new CertificateRequest($"CN={Convert.ToHexStringLower(device.KeyId)}, OU=AAA Certification, O=Attestation Tests", shape.CertifiedKey ?? device.Key, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (!shape.OmitNonceExtension)
        {
            leafRequest.CertificateExtensions.Add(new X509Extension(NonceExtensionOid, shape.NonceExtensionValue ?? NonceExtension(nonce), false));
        }

        if (shape.AddUnknownAppleExtension)
        {
            // Newer leaves carry more Apple extensions (OS version fields, for example); verifiers must ignore them.
            leafRequest.CertificateExtensions.Add(new X509Extension("1.2.840.113635.100.8.7", [0x04, 0x04, (byte)'2', (byte)'7', (byte)'.', (byte)'0'], false));
        }

        var issuerKey = shape.SignLeafWith ?? _intermediateKey;
        using var leaf = leafRequest.Create(
            IntermediateCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), issuedAt.AddDays(-1), issuedAt.AddDays(2), RandomNumberGenerator.GetBytes(8));

        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(null);
        writer.WriteTextString("fmt");
        writer.WriteTextString(shape.Format);
        writer.WriteTextString("attStmt");
        writer.WriteStartMap(null);
        writer.WriteTextString("x5c");
        writer.WriteStartArray(null);
        writer.WriteByteString(leaf.RawData);
        if (shape.IncludeIntermediate)
        {
            writer.WriteByteString(shape.Intermediate ?? IntermediateCertificate.RawData);
        }

        writer.WriteEndArray();
        writer.WriteTextString("receipt");
        writer.WriteByteString(shape.Receipt ?? Receipt(
            shape.ReceiptAppId ?? shape.AppId, shape.ReceiptAttestedCertificate ?? leaf.RawData, shape.ClientDataHash, issuedAt, shape.ReceiptType));
        writer.WriteEndMap();
        writer.WriteTextString("authData");
        writer.WriteByteString(authData);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>
    /// A receipt as Apple lays it out ("Assessing fraud risk"): fields 2 (app id), 3 (the attested credential certificate),
    /// 4 (client hash), 5 (token), 6 (type), 12 (creation time), 21 (expiration, 90 days later) and, when given, 17 (risk
    /// metric), signed by <see cref="ReceiptSigningCertificate"/>.
    /// </summary>
    public byte[] Receipt(string appId, byte[] attestedCertificate, byte[] clientHash, DateTimeOffset createdAt, string type = "ATTEST", int? riskMetric = null)
    {
        ArgumentNullException.ThrowIfNull(appId);
        List<(int Type, byte[] Value)> fields =
        [
            (2, Encoding.UTF8.GetBytes(appId)),
            (3, attestedCertificate),
            (4, clientHash),
            (5, Encoding.UTF8.GetBytes(Convert.ToBase64String(SHA256.HashData(attestedCertificate)))),
            (6, Encoding.UTF8.GetBytes(type)),
            (12, Encoding.UTF8.GetBytes(ReceiptTime(createdAt))),
            (21, Encoding.UTF8.GetBytes(ReceiptTime(createdAt.AddDays(90)))),
        ];
        if (riskMetric is { } metric)
        {
            fields.Add((17, Encoding.UTF8.GetBytes(metric.ToString(CultureInfo.InvariantCulture))));
        }

        return SignReceipt(ReceiptPayload(fields));
    }

    /// <summary>A receipt payload: a SET of <c>SEQUENCE { type INTEGER, version INTEGER (1), value OCTET STRING }</c>.</summary>
    public static byte[] ReceiptPayload(IEnumerable<(int Type, byte[] Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            foreach (var (type, value) in fields)
            {
                using (writer.PushSequence())
                {
                    writer.WriteInteger(type);
                    writer.WriteInteger(1);
                    writer.WriteOctetString(value);
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>
    /// <paramref name="payload"/> in a PKCS#7 SignedData signed by <paramref name="signer"/> (by default
    /// <see cref="ReceiptSigningCertificate"/>), carrying the signer and <see cref="ReceiptIntermediateCertificate"/>.
    /// </summary>
    public byte[] SignReceipt(byte[] payload, X509Certificate2? signer = null)
    {
        var cms = new SignedCms(new ContentInfo(payload), detached: false);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer ?? ReceiptSigningCertificate)
        {
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        cmsSigner.Certificates.Add(ReceiptIntermediateCertificate);
        cms.ComputeSignature(cmsSigner, silent: true);
        return cms.Encode();
    }

    private static string ReceiptTime(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An assertion by <paramref name="device"/>, as <c>generateAssertion</c> would return it.</summary>
    public static byte[] Assert(AppAttestTestDevice device, string appId, byte[] clientDataHash, uint counter, byte flags = 0x40, byte[]? appendedToAuthData = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(clientDataHash);
        var authData = AuthenticatorData(appId, flags, counter, appendedToAuthData ?? []);
        var signature = device.Key.SignData(SHA256.HashData([.. authData, .. clientDataHash]), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(2);
        writer.WriteTextString("signature");
        writer.WriteByteString(signature);
        writer.WriteTextString("authenticatorData");
        writer.WriteByteString(authData);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The DER of the nonce extension: SEQUENCE { [1] EXPLICIT OCTET STRING nonce }.</summary>
    public static byte[] NonceExtension(byte[] nonce)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
            {
                writer.WriteOctetString(nonce);
            }
        }

        return writer.Encode();
    }

    public void Dispose()
    {
        RootCertificate.Dispose();
        IntermediateCertificate.Dispose();
        ReceiptIntermediateCertificate.Dispose();
        ReceiptSigningCertificate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
        _receiptCaKey.Dispose();
        _receiptSignerKey.Dispose();
    }

    private static byte[] AuthenticatorData(string appId, byte flags, uint counter, byte[] rest)
    {
        var counterBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counterBytes, counter);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(appId)), flags, .. counterBytes, .. rest];
    }

    private static byte[] U16(byte[] value) => [(byte)(value.Length >> 8), (byte)value.Length];
}
