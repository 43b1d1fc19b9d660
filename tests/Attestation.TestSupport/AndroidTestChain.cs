using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Attestation.TestSupport;

/// <summary>
/// Builds Android key attestation chains under a TEST root (never Google's) with <see cref="CertificateRequest"/>:
/// root -> CA -> batch (the attestation key) -> leaf with a KeyDescription. Every knob a chain rule or policy rule needs is a
/// property; the defaults make a chain that passes the demo app's policy. Only configuration that names the test root's key
/// in <c>Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys</c> trusts it.
/// </summary>
public sealed class AndroidTestChain
{
    public const string KeyDescriptionOid = "1.3.6.1.4.1.11129.2.1.17";

    /// <summary>The SHA-256 digest of the demo app's (made-up) signing certificate, as local.settings.sample.json lists it.</summary>
    public static readonly byte[] DemoSigningDigest = Convert.FromHexString("0d4d0e4b3ac7ac6ab04ff03b6c3e80bd4b48fdd1e41d6a0fcb3d4efd0e7a0b19");

    /// <summary>The subject of the batch certificate (the attestation key's).</summary>
    public const string BatchSubject = "CN=Test Attestation Key, O=TEE";

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public AndroidTestChain(ECDsa? rootKey = null)
    {
        RootKey = rootKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP384);
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        BatchKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    private AndroidTestChain(AndroidTestChain batch, IReadOnlyList<byte[]> issuers)
    {
        RootKey = batch.RootKey;
        CaKey = batch.CaKey;
        BatchKey = batch.BatchKey;
        _issuers = issuers;
    }

    public ECDsa RootKey { get; }

    public ECDsa CaKey { get; }

    public ECDsa BatchKey { get; }

    // The batch, CA and root certificates, fixed once another chain shares them (SameBatch): ECDSA signatures differ at
    // every signing, so certificates built again would have other bytes, and another SHA-256.
    private IReadOnlyList<byte[]>? _issuers;

    /// <summary>The DER of the batch certificate (the leaf's issuer) this chain builds.</summary>
    public byte[] BatchCertificate => Build()[1];

    /// <summary>
    /// A chain of a new attested key under this chain's very certificates (batch, CA and root, byte for byte): another
    /// device of the same factory batch, or a leaked keybox attesting another fake one. Pins this chain's certificates
    /// first (<see cref="Pin"/>).
    /// </summary>
    public AndroidTestChain SameBatch() => new(this, Pin()._issuers!) { IncludeRoot = IncludeRoot };

    /// <summary>
    /// Fixes this chain's batch, CA and root certificates as they are now, so that every <see cref="Build"/> returns them
    /// byte for byte, as a real device's keybox does; changes to their knobs after this call have no effect.
    /// </summary>
    public AndroidTestChain Pin()
    {
        _issuers ??= Build().Skip(1).ToList();
        return this;
    }

    /// <summary>The attested key (EC by default; set <see cref="RsaLeafKey"/> for an RSA one).</summary>
    public ECDsa LeafKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA? RsaLeafKey { get; set; }

    public byte[] Challenge { get; set; } = Encoding.UTF8.GetBytes("challenge");

    public int AttestationVersion { get; set; } = 300;

    /// <summary>0 software, 1 TEE, 2 StrongBox.</summary>
    public int SecurityLevel { get; set; } = 1;

    /// <summary>The KeyMint security level; <see cref="SecurityLevel"/> when null, as on every real chain.</summary>
    public int? KeyMintSecurityLevel { get; set; }

    /// <summary>The hardware-enforced Tag.ORIGIN (702): 0 GENERATED, 2 IMPORTED, ...; omitted when null.</summary>
    public int? Origin { get; set; } = 0;

    /// <summary>The hardware-enforced Tag.PURPOSE (1) set: 2 SIGN, 3 VERIFY, ...; omitted when null.</summary>
    public int[]? Purposes { get; set; } = [2];

    public string[] PackageNames { get; set; } = ["com.contoso.demo"];

    public byte[][] SignatureDigests { get; set; } = [DemoSigningDigest];

    /// <summary>0 verified, 1 self-signed, 2 unverified, 3 failed.</summary>
    public int VerifiedBootState { get; set; }

    public bool DeviceLocked { get; set; } = true;

    /// <summary>
    /// When set, the content byte of RootOfTrust.deviceLocked written as is (0x01 is the BER TRUE some firmware writes),
    /// instead of DER's encoding of <see cref="DeviceLocked"/>.
    /// </summary>
    public byte? DeviceLockedContent { get; set; }

    /// <summary>When set, the whole TLV of RootOfTrust.deviceLocked written as is (for encodings DER forbids around the value).</summary>
    public byte[]? DeviceLockedEncoding { get; set; }

    public int? OsPatchLevel { get; set; } = 202511;

    /// <summary>Replaces the whole KeyDescription with these bytes when set.</summary>
    public byte[]? RawKeyDescription { get; set; }

    public bool IncludeRoot { get; set; } = true;

    public bool LeafHasExtension { get; set; } = true;

    /// <summary>Puts a KeyDescription on the batch certificate too (an app key posing as an attestation key).</summary>
    public bool BatchHasExtension { get; set; }

    public bool CaIsCertificateAuthority { get; set; } = true;

    public X509KeyUsageFlags CaKeyUsage { get; set; } = X509KeyUsageFlags.KeyCertSign;

    public int? CaPathLength { get; set; }

    /// <summary>Subject organization of the CA certificate; "Google LLC" with a "Droid CA" name marks a remotely provisioned chain.</summary>
    public string CaSubject { get; set; } = "CN=Test Batch CA, O=TEE";

    public DateTimeOffset IntermediateNotBefore { get; set; } = Epoch;

    public DateTimeOffset IntermediateNotAfter { get; set; } = Epoch.AddYears(10);

    public byte[] LeafSerial { get; set; } = [0x01];

    public byte[] BatchSerial { get; set; } = [0x0b, 0xa7, 0xc4];

    /// <summary>Signs the leaf with a key other than the batch key (a forged leaf).</summary>
    public bool SignLeafWithWrongKey { get; set; }

    /// <summary>The root's SubjectPublicKeyInfo, base64: the value of the test-only trusted root setting.</summary>
    public string RootPublicKeyBase64 => Convert.ToBase64String(RootKey.ExportSubjectPublicKeyInfo());

    /// <summary>The attested key's SubjectPublicKeyInfo.</summary>
    public byte[] LeafPublicKey => RsaLeafKey?.ExportSubjectPublicKeyInfo() ?? LeafKey.ExportSubjectPublicKeyInfo();

    /// <summary>Builds the chain, leaf first, as DER.</summary>
    public IReadOnlyList<byte[]> Build()
    {
        if (_issuers is { } issuers)
        {
            return [BuildLeaf(new X500DistinguishedName(BatchSubject)), .. issuers];
        }

        var rootName = new X500DistinguishedName("CN=TEST ONLY Android Attestation Root");
        var rootRequest = new CertificateRequest(rootName, RootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(Epoch.AddYears(-1), Epoch.AddYears(20));

        var caRequest = new CertificateRequest(CaSubject, CaKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(CaIsCertificateAuthority, CaPathLength.HasValue, CaPathLength ?? 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(CaKeyUsage, true));
        using var ca = caRequest.Create(root, IntermediateNotBefore, IntermediateNotAfter, [0x0c, 0xa1]);

        var batchRequest = new CertificateRequest(BatchSubject, BatchKey, HashAlgorithmName.SHA256);
        batchRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        batchRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        if (BatchHasExtension)
        {
            batchRequest.CertificateExtensions.Add(new X509Extension(KeyDescriptionOid, KeyDescription(), false));
        }

        // Signed through a generator: CertificateRequest.Create(issuer, ...) would itself refuse a CA that is not a CA.
        using var batch = batchRequest.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey), IntermediateNotBefore, IntermediateNotAfter, BatchSerial);

        var leafDer = BuildLeaf(batch.SubjectName);
        List<byte[]> chain = [leafDer, batch.RawData, ca.RawData];
        if (IncludeRoot)
        {
            chain.Add(root.RawData);
        }

        return chain;
    }

    private byte[] BuildLeaf(X500DistinguishedName issuerName)
    {
        var leafRequest = RsaLeafKey is null
            ? new CertificateRequest("CN=Android Keystore Key", LeafKey, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=Android Keystore Key", RsaLeafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (LeafHasExtension)
        {
            leafRequest.CertificateExtensions.Add(new X509Extension(KeyDescriptionOid, RawKeyDescription ?? KeyDescription(), false));
        }

        using var signer = SignLeafWithWrongKey ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var leafSigner = X509SignatureGenerator.CreateForECDsa(signer ?? BatchKey);
        using var leaf = leafRequest.Create(issuerName, leafSigner, new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2048, 1, 1, 0, 0, 0, TimeSpan.Zero), LeafSerial);
        return leaf.RawData;
    }

    /// <summary>The chain as the <c>evidence</c> object of an attest request.</summary>
    public object Evidence() => new { certificateChain = Build().Select(Convert.ToBase64String).ToArray() };

    /// <summary>The DER KeyDescription the properties describe.</summary>
    public byte[] KeyDescription()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(AttestationVersion);
            writer.WriteEnumeratedValue((SecurityLevelValue)SecurityLevel);
            writer.WriteInteger(AttestationVersion);
            writer.WriteEnumeratedValue((SecurityLevelValue)(KeyMintSecurityLevel ?? SecurityLevel));
            writer.WriteOctetString(Challenge);
            writer.WriteOctetString([]);

            using (writer.PushSequence())
            {
                using (writer.PushSequence(Explicit(701)))
                {
                    writer.WriteInteger(1_767_225_600_000);
                }

                using (writer.PushSequence(Explicit(709)))
                {
                    writer.WriteOctetString(ApplicationId());
                }
            }

            using (writer.PushSequence())
            {
                // Where real chains carry them: KeyMint lists purpose and origin among the hardware-enforced tags.
                if (Purposes is { } purposes)
                {
                    using (writer.PushSequence(Explicit(1)))
                    using (writer.PushSetOf())
                    {
                        foreach (var purpose in purposes)
                        {
                            writer.WriteInteger(purpose);
                        }
                    }
                }

                if (Origin is { } origin)
                {
                    using (writer.PushSequence(Explicit(702)))
                    {
                        writer.WriteInteger(origin);
                    }
                }

                using (writer.PushSequence(Explicit(704)))
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(new byte[32]);
                    if (DeviceLockedEncoding is { } encoding)
                    {
                        writer.WriteEncodedValue(encoding);
                    }
                    else if (DeviceLockedContent is { } content)
                    {
                        writer.WriteEncodedValue([0x01, 0x01, content]);
                    }
                    else
                    {
                        writer.WriteBoolean(DeviceLocked);
                    }
                    writer.WriteEnumeratedValue((SecurityLevelValue)VerifiedBootState);
                    writer.WriteOctetString(SHA256.HashData("boot"u8));
                }

                using (writer.PushSequence(Explicit(705)))
                {
                    writer.WriteInteger(160000);
                }

                if (OsPatchLevel is { } patch)
                {
                    using (writer.PushSequence(Explicit(706)))
                    {
                        writer.WriteInteger(patch);
                    }
                }
            }
        }

        return writer.Encode();
    }

    private byte[] ApplicationId()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSetOf())
            {
                foreach (var name in PackageNames)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString(Encoding.UTF8.GetBytes(name));
                        writer.WriteInteger(1);
                    }
                }
            }

            using (writer.PushSetOf())
            {
                foreach (var digest in SignatureDigests)
                {
                    writer.WriteOctetString(digest);
                }
            }
        }

        return writer.Encode();
    }

    private static Asn1Tag Explicit(int tag) => new(TagClass.ContextSpecific, tag, isConstructed: true);

    // A stand-in enum: AsnWriter writes ENUMERATED values from an enum type.
    private enum SecurityLevelValue
    {
        Zero = 0,
        One = 1,
        Two = 2,
        Three = 3,
    }
}
