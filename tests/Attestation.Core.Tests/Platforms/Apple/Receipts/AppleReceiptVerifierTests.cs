using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.Receipts;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple.Receipts;

/// <summary>
/// Receipts signed under a test authority laid out as Apple's (<see cref="AppAttestTestAuthority.Receipt"/>): each test
/// breaks one part and asserts the code and the detail.
/// </summary>
public sealed class AppleReceiptVerifierTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();
    private readonly AppleReceiptVerifier _verifier;
    private readonly byte[] _credentialCertificate;

    public AppleReceiptVerifierTests()
    {
        _verifier = new AppleReceiptVerifier([_authority.RootCertificate]);
        var request = new CertificateRequest("CN=credential", _device.Key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(CreatedAt.AddDays(-1), CreatedAt.AddDays(2));
        _credentialCertificate = certificate.RawData;
    }

    [Fact]
    public void AReceiptOfATrustedAuthorityVerifiesWithItsFields()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);

        var fields = _verifier.Verify(receipt, AppId, _device.SubjectPublicKeyInfo);

        Assert.Equal(AppleReceiptType.Attest, fields.Type);
        Assert.Equal(AppId, fields.AppId);
        Assert.Equal(_device.SubjectPublicKeyInfo, fields.AttestedPublicKey);
        Assert.Equal(SHA256.HashData(_device.SubjectPublicKeyInfo), fields.PublicKeySha256);
        Assert.Equal(ClientHash, fields.ClientHash);
        Assert.Equal(CreatedAt, fields.CreationTime);
        Assert.Equal(CreatedAt.AddDays(90), fields.ExpirationTime);
        Assert.Null(fields.NotBefore);
        Assert.Null(fields.RiskMetric);
    }

    [Fact]
    public void AReceiptFromApplesServerCarriesItsRiskMetric()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt, "RECEIPT", riskMetric: 7);

        var fields = _verifier.Verify(receipt, AppId);

        Assert.Equal(AppleReceiptType.Receipt, fields.Type);
        Assert.Equal(7, fields.RiskMetric);
    }

    [Fact]
    public void AReceiptUnderAnUntrustedRootIsAttestationInvalid()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);

        var error = Assert.Throws<AttestationException>(() => new AppleReceiptVerifier().Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("does not chain to Apple Root CA - G3", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptSignedByAnotherKeyThanItsCertificatesIsAttestationInvalid()
    {
        var payload = AppAttestTestAuthority.ReceiptPayload(Fields());
        var receipt = _authority.SignReceipt(payload);
        var signature = SignatureOf(receipt);
        var forged = (byte[])receipt.Clone();
        forged[receipt.AsSpan().IndexOf(signature) + signature.Length - 2] ^= 0x01;

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(forged, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("signature", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptWhosePayloadChangedAfterSigningIsAttestationInvalid()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);
        var appIdAt = receipt.AsSpan().IndexOf(Encoding.UTF8.GetBytes(AppId));
        var forged = (byte[])receipt.Clone();
        forged[appIdAt] = (byte)'Z';

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(forged, "ZBCDE12345.com.contoso.demo"));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("signature does not verify", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptSignedByASelfMadeCertificateIsAttestationInvalid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Application Attestation Fraud Receipt Signing, O=Apple Inc., C=US", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(CreatedAt.AddYears(-1), CreatedAt.AddYears(1));

        var receipt = _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(Fields()), selfSigned);

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));
        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("Apple Root CA - G3", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheChainIsCheckedAsOfTheReceiptsCreationTime()
    {
        // The test authority's certificates begin in 2020: a receipt that claims 2019 has no valid chain at its creation.
        var early = _authority.Receipt(AppId, _credentialCertificate, ClientHash, new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero));

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(early, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("2019-06-01T00:00:00Z", error.Detail, StringComparison.Ordinal);
        Assert.Contains(nameof(X509ChainStatusFlags.NotTimeValid), error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARememberedChainIsStillRefusedOutsideItsValidity()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);
        _verifier.Verify(receipt, AppId);
        Assert.True(_verifier.Remembers(receipt));

        _verifier.Verify(receipt, AppId, at: CreatedAt.AddYears(1));
        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId, at: new DateTimeOffset(2046, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.True(_verifier.Remembers(receipt));
    }

    [Fact]
    public void AChainRememberedUnderATestRootIsNotTrustedByAVerifierWithoutIt()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);
        _verifier.Verify(receipt, AppId);
        var appleOnly = new AppleReceiptVerifier();

        Assert.False(appleOnly.Remembers(receipt));
        var error = Assert.Throws<AttestationException>(() => appleOnly.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.True(new AppleReceiptVerifier([_authority.RootCertificate]).Remembers(receipt));
    }

    [Fact]
    public void AReceiptForAnotherAppIsAPolicyViolation()
    {
        var receipt = _authority.Receipt("ABCDE12345.com.contoso.other", _credentialCertificate, ClientHash, CreatedAt);

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("another App ID", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptForAnotherKeyIsAPolicyViolation()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);
        using var other = new AppAttestTestDevice();

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId, other.SubjectPublicKeyInfo));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("another attested key", error.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> MalformedReceipts() => new()
    {
        { "empty", [] },
        { "not DER", [0x01, 0x02, 0x03] },
        { "an empty SEQUENCE", [0x30, 0x00] },
        { "the old test placeholder", [0x30, 0x80, 0x06, 0x09] },
    };

    [Theory]
    [MemberData(nameof(MalformedReceipts))]
    public void AMalformedReceiptIsAttestationInvalidWithoutItsBytes(string what, byte[] receipt)
    {
        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.StartsWith("The receipt cannot be read", error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(receipt.Length == 0 ? [0xff] : receipt), error.Detail, StringComparison.Ordinal);
        Assert.NotNull(what);
    }

    [Fact]
    public void EveryTruncationOfAReceiptIsAttestationInvalid()
    {
        var receipt = _authority.Receipt(AppId, _credentialCertificate, ClientHash, CreatedAt);

        for (var length = 0; length < receipt.Length; length += 7)
        {
            var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt[..length], AppId));
            Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        }
    }

    public static TheoryData<string, int, string> BrokenFields() => new()
    {
        { "no app id", 2, "no app id (field 2)" },
        { "no type", 6, "no type (field 6)" },
        { "no creation time", 12, "no creation time (field 12)" },
        { "no attested key", 3, "no attested public key (field 3)" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public void AReceiptWithoutARequiredFieldIsAttestationInvalid(string what, int missing, string detail)
    {
        var receipt = _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(Fields().Where(f => f.Type != missing)));

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
        Assert.NotNull(what);
    }

    [Theory]
    [InlineData(6, "ATTESTED", "neither ATTEST nor RECEIPT")]
    [InlineData(12, "yesterday", "field 12 is not an ISO 8601 instant")]
    [InlineData(17, "-3", "risk metric (field 17) is not a decimal count")]
    [InlineData(3, "not a certificate", "field 3) is not a DER X.509 certificate")]
    public void AReceiptWithAMalformedFieldIsAttestationInvalid(int type, string value, string detail)
    {
        var fields = Fields().Where(f => f.Type != type).Append((type, Encoding.UTF8.GetBytes(value)));
        var receipt = _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(fields));

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptWithARepeatedFieldIsAttestationInvalid()
    {
        var receipt = _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(Fields().Append((2, Encoding.UTF8.GetBytes("ZZZZZ12345.com.contoso.demo")))));

        var error = Assert.Throws<AttestationException>(() => _verifier.Verify(receipt, AppId));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("field 2 twice", error.Detail, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }

    private List<(int Type, byte[] Value)> Fields() =>
    [
        (2, Encoding.UTF8.GetBytes(AppId)),
        (3, _credentialCertificate),
        (4, ClientHash),
        (5, "token"u8.ToArray()),
        (6, "ATTEST"u8.ToArray()),
        (12, "2026-11-28T12:00:00.000Z"u8.ToArray()),
    ];

    private static byte[] SignatureOf(byte[] receipt)
    {
        var cms = new System.Security.Cryptography.Pkcs.SignedCms();
        cms.Decode(receipt);
        return cms.SignerInfos[0].GetSignature();
    }
}
