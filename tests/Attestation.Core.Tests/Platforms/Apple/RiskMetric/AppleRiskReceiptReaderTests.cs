using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.Receipts;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple.RiskMetric;

/// <summary>Apple's answers read with the receipt verifier, on receipts signed under a test root that only this verifier trusts.</summary>
public sealed class AppleRiskReceiptReaderTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();
    private readonly AppleRiskReceiptReader _reader;

    public AppleRiskReceiptReaderTests()
    {
        _reader = new AppleRiskReceiptReader(new AppleReceiptVerifier([_authority.RootCertificate]));
    }

    [Fact]
    public void AReceiptOfTypeReceiptGivesItsRiskMetricAndNotBefore()
    {
        var read = _reader.ReadNew(Receipt("RECEIPT", 4, Created.AddDays(1)), AppId, _device.SubjectPublicKeyInfo);

        Assert.Equal(new AppleRiskReceipt(4, Created.AddDays(1)), read);
    }

    [Fact]
    public void TheStoredReceiptsNotBeforeIsReadAndUnreadableBytesHaveNone()
    {
        Assert.Equal(Created.AddDays(1), _reader.NotBeforeOf(Receipt("RECEIPT", 4, Created.AddDays(1))));
        Assert.Null(_reader.NotBeforeOf(Receipt("ATTEST", null, null)));
        Assert.Null(_reader.NotBeforeOf([0x30, 0x03, 0x01, 0x01, 0xFF]));
    }

    [Fact]
    public void AnAttestReceiptIsNoAnswer()
    {
        var refused = Assert.Throws<AttestationException>(() => _reader.ReadNew(Receipt("ATTEST", 4, null), AppId, _device.SubjectPublicKeyInfo));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refused.Code);
        Assert.Equal("Apple's answer is not a receipt of type RECEIPT.", refused.Detail);
    }

    [Fact]
    public void AReceiptWithoutARiskMetricIsRefused()
    {
        var refused = Assert.Throws<AttestationException>(() => _reader.ReadNew(Receipt("RECEIPT", null, null), AppId, _device.SubjectPublicKeyInfo));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refused.Code);
        Assert.Equal("Apple's receipt carries no risk metric.", refused.Detail);
    }

    [Fact]
    public void AReceiptForAnotherKeyOrAppIsRefusedAsInvalid()
    {
        using var other = new AppAttestTestDevice();
        var receipt = Receipt("RECEIPT", 1, null);

        Assert.Equal(AttestationErrorCode.AttestationInvalid, Assert.Throws<AttestationException>(() => _reader.ReadNew(receipt, AppId, other.SubjectPublicKeyInfo)).Code);
        Assert.Equal(AttestationErrorCode.AttestationInvalid, Assert.Throws<AttestationException>(() => _reader.ReadNew(receipt, "ABCDE12345.com.contoso.other", _device.SubjectPublicKeyInfo)).Code);
    }

    [Fact]
    public void AReceiptSignedUnderAnUntrustedRootOrGarbageIsRefused()
    {
        using var stranger = new AppAttestTestAuthority("Stranger");
        var foreign = stranger.Receipt(AppId, Certificate(), new byte[32], Created, "RECEIPT", riskMetric: 1);

        Assert.Equal(AttestationErrorCode.AttestationInvalid, Assert.Throws<AttestationException>(() => _reader.ReadNew(foreign, AppId, _device.SubjectPublicKeyInfo)).Code);
        Assert.Equal(AttestationErrorCode.AttestationInvalid, Assert.Throws<AttestationException>(() => _reader.ReadNew("not a receipt"u8.ToArray(), AppId, _device.SubjectPublicKeyInfo)).Code);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }

    private byte[] Receipt(string type, int? riskMetric, DateTimeOffset? notBefore)
    {
        List<(int Type, byte[] Value)> fields =
        [
            (2, Encoding.UTF8.GetBytes(AppId)),
            (3, Certificate()),
            (4, new byte[32]),
            (5, "token"u8.ToArray()),
            (6, Encoding.UTF8.GetBytes(type)),
            (12, Encoding.UTF8.GetBytes(Time(Created))),
            (21, Encoding.UTF8.GetBytes(Time(Created.AddDays(90)))),
        ];
        if (riskMetric is { } metric)
        {
            fields.Add((17, Encoding.UTF8.GetBytes(metric.ToString(CultureInfo.InvariantCulture))));
        }

        if (notBefore is { } earliest)
        {
            fields.Add((19, Encoding.UTF8.GetBytes(Time(earliest))));
        }

        return _authority.SignReceipt(AppAttestTestAuthority.ReceiptPayload(fields));
    }

    private byte[] Certificate()
    {
        using var certificate = new CertificateRequest("CN=device", _device.Key, HashAlgorithmName.SHA256).CreateSelfSigned(Created.AddDays(-1), Created.AddDays(30));
        return certificate.RawData;
    }

    private static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
