using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.Receipts;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple.Receipts;

/// <summary>The receipts inside the 13 real attestations of tests/vectors, each checked as of its own creation time.</summary>
public sealed class AppleReceiptVectorTests
{
    private static readonly AppleReceiptVerifier Verifier = new();

    public static TheoryData<string> AttestationFiles() => [.. AppleVectors.AttestationFiles()];

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealReceiptVerifiesForItsAppAndKey(string file)
    {
        var (vector, receipt) = Load(file);
        var publicKey = AppleVectors.SpkiFromPem(vector.Attestation!.PublicKeyPem);

        var fields = Verifier.Verify(receipt, vector.AppId, publicKey);

        Assert.Equal(AppleReceiptType.Attest, fields.Type);
        Assert.Equal(vector.AppId, fields.AppId);
        Assert.Equal(publicKey, fields.AttestedPublicKey);
        Assert.Null(fields.RiskMetric);
        Assert.NotEmpty(fields.Token);
        // Field 4 is the clientDataHash the app passed to attestKey (Apple's own sample passed the raw challenge).
        Assert.Equal(vector.Attestation.ClientDataHash, fields.ClientHash);

        // docs/quirks.md: the receipts of attestations carry no "not before" (field 19); they expire 90 days after creation.
        Assert.Null(fields.NotBefore);
        Assert.Equal(TimeSpan.FromDays(90), fields.ExpirationTime - fields.CreationTime);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealReceiptIsAPolicyViolationForAnotherAppId(string file)
    {
        var (vector, receipt) = Load(file);

        var error = Assert.Throws<AttestationException>(() => Verifier.Verify(receipt, "0987654321." + vector.AppId.Split('.', 2)[1]));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("another App ID", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARealReceiptIsAPolicyViolationForAnotherVectorsKey()
    {
        var (vector, receipt) = Load("apple-appattest-worldcoin-2026.json");
        var otherKey = AppleVectors.SpkiFromPem(AppleVectors.Load("apple-appattest-worldcoin-2025.json").Attestation!.PublicKeyPem);

        var error = Assert.Throws<AttestationException>(() => Verifier.Verify(receipt, vector.AppId, otherKey));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("another attested key", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealReceiptIsRefusedBeforeItsSignerWasIssued(string file)
    {
        var (vector, receipt) = Load(file);

        var error = Assert.Throws<AttestationException>(() => Verifier.Verify(receipt, vector.AppId, at: new DateTimeOffset(2014, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("Apple Root CA - G3", error.Detail, StringComparison.Ordinal);
    }

    internal static (AppleVector Vector, byte[] Receipt) Load(string file)
    {
        var vector = AppleVectors.Load(file);
        return (vector, AppAttestAttestationObject.Read(vector.Attestation!.AttestationObject).Receipt);
    }
}
