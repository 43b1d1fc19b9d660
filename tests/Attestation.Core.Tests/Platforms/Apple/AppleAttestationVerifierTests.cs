using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Text;
using Attestation.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// One test per validation step of Apple's "Verify the attestation": each builds evidence under a test authority that
/// breaks that step only, and asserts the code and the detail.
/// </summary>
public sealed class AppleAttestationVerifierTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();
    private readonly AppleAttestationVerifier _verifier;

    public AppleAttestationVerifierTests()
    {
        _verifier = new AppleAttestationVerifier(TimeProvider.System, [_authority.RootCertificate]);
    }

    private static AttestationShape Valid => new(AppId, ClientDataHash, Now);

    [Fact]
    public void AnAttestationFromATrustedAuthorityVerifies()
    {
        var result = Verify(_authority.Attest(_device, Valid));

        Assert.Equal(_device.KeyId, result.KeyId);
        Assert.Equal(_device.SubjectPublicKeyInfo, result.PublicKey);
        Assert.Equal(AppAttestEnvironment.Development, result.Environment);
        Assert.Equal(0, result.Counter);
    }

    [Fact]
    public void AProductionAttestationVerifiesWhereOnlyProductionIsAllowed()
    {
        var result = Verify(_authority.Attest(_device, Valid with { Aaguid = AppAttestTestAuthority.ProductionAaguid }), allowDevelopment: false);

        Assert.Equal(AppAttestEnvironment.Production, result.Environment);
    }

    [Fact]
    public void AnotherFormatIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { Format = "apple" }), AttestationErrorCode.AttestationInvalid, "format");

    [Fact]
    public void BytesThatAreNotCborAreRefused() =>
        AssertRefused([0xff, 0x00, 0x12], AttestationErrorCode.AttestationInvalid, "cannot be read");

    [Fact]
    public void Step1AChainFromAnUntrustedAuthorityIsRefused()
    {
        using var other = new AppAttestTestAuthority("Untrusted");

        AssertRefused(other.Attest(_device, Valid), AttestationErrorCode.AttestationInvalid, "certificate chain");
    }

    [Fact]
    public void Step1OnlyApplesRootIsTrustedByDefault()
    {
        var attestation = _authority.Attest(_device, Valid);

        var error = Assert.Throws<AttestationException>(() => new AppleAttestationVerifier(TimeProvider.System)
            .VerifyAttestation(attestation, _device.KeyId, AppId, true, ClientDataHash, Now));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("certificate chain", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Step1ALeafNotSignedByTheIntermediateIsRefused()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        AssertRefused(_authority.Attest(_device, Valid with { SignLeafWith = forger }), AttestationErrorCode.AttestationInvalid, "certificate chain");
    }

    [Fact]
    public void Step1AChainWithoutItsIntermediateIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { IncludeIntermediate = false }), AttestationErrorCode.AttestationInvalid, "certificate chain");

    [Fact]
    public void Step1AnExpiredCredentialCertificateIsRefused()
    {
        var attestation = _authority.Attest(_device, Valid with { IssuedAt = Now.AddDays(-10) });

        AssertRefused(attestation, AttestationErrorCode.AttestationInvalid, "NotTimeValid");
    }

    [Fact]
    public void Step1ACredentialCertificateNotYetValidIsRefused()
    {
        var attestation = _authority.Attest(_device, Valid with { IssuedAt = Now.AddDays(5) });

        AssertRefused(attestation, AttestationErrorCode.AttestationInvalid, "NotTimeValid");
    }

    [Fact]
    public void Step4ANonceForAnotherChallengeIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { CertifiedNonce = SHA256.HashData("other"u8) }), AttestationErrorCode.AttestationInvalid, "nonce certified by Apple does not match");

    [Fact]
    public void Step4AClientDataHashOtherThanTheAttestedOneIsRefused()
    {
        var attestation = _authority.Attest(_device, Valid);

        var error = Assert.Throws<AttestationException>(() => _verifier.VerifyAttestation(attestation, _device.KeyId, AppId, true, SHA256.HashData("another"u8), Now));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("another challenge", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Step4ALeafWithoutTheNonceExtensionIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { OmitNonceExtension = true }), AttestationErrorCode.AttestationInvalid, "no nonce extension");

    [Fact]
    public void Step4AMalformedNonceExtensionIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { NonceExtensionValue = [0x04, 0x02, 0x01, 0x02] }), AttestationErrorCode.AttestationInvalid, "malformed");

    [Fact]
    public void Step5ACertifiedKeyThatIsNotTheKeyIdsIsRefused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        AssertRefused(_authority.Attest(_device, Valid with { CertifiedKey = other }), AttestationErrorCode.AttestationInvalid, "key id is not the SHA-256");
    }

    [Fact]
    public void Step6AnotherAppIdIsAPolicyViolation() =>
        AssertRefused(_authority.Attest(_device, Valid with { RpIdAppId = "ZYXWV98765.com.contoso.demo" }), AttestationErrorCode.PolicyViolation, "another App ID");

    [Fact]
    public void Step7ANonZeroCounterIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { Counter = 1 }), AttestationErrorCode.AttestationInvalid, "counter is 1, not 0");

    [Fact]
    public void Step8AnUnknownAaguidIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { Aaguid = new byte[16] }), AttestationErrorCode.AttestationInvalid, "aaguid");

    [Fact]
    public void Step8TheDevelopmentEnvironmentIsAPolicyViolationWhereOnlyProductionIsAllowed() =>
        AssertRefused(_authority.Attest(_device, Valid), AttestationErrorCode.PolicyViolation, "development environment", allowDevelopment: false);

    [Fact]
    public void Step8AuthenticatorDataWithoutAttestedCredentialDataIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { Flags = 0 }), AttestationErrorCode.AttestationInvalid, "AT flag clear");

    [Fact]
    public void Step9ACredentialIdOtherThanTheKeyIdIsRefused() =>
        AssertRefused(_authority.Attest(_device, Valid with { CredentialId = SHA256.HashData("other"u8) }), AttestationErrorCode.AttestationInvalid, "credential id");

    [Fact]
    public void UnknownAppleExtensionsOfTheLeafAreIgnored()
    {
        var result = Verify(_authority.Attest(_device, Valid with { AddUnknownAppleExtension = true }));

        Assert.Equal(_device.KeyId, result.KeyId);
    }

    [Fact]
    public void BytesAfterTheCredentialKeyAreCoveredNotRefused()
    {
        // docs/quirks.md, Apple's 2026 sample: a CBOR map after the COSE key with the ED flag clear.
        var result = Verify(_authority.Attest(_device, Valid with { TrailingAuthDataBytes = [0xa1, 0x01, 0x02] }));

        Assert.Equal(_device.KeyId, result.KeyId);
    }

    [Fact]
    public void TheReceiptIsKeptForLaterRiskChecks()
    {
        var attestation = _authority.Attest(_device, Valid);

        var result = Verify(attestation);

        Assert.Equal(AppAttestAttestationObject.Read(attestation).Receipt, result.Receipt);
    }

    [Fact]
    public void AReceiptThatIsNotApplesShapeIsAttestationInvalid()
    {
        var error = Refuse(Valid with { Receipt = [0x30, 0x80, 0x06, 0x09] });

        Assert.StartsWith("The receipt cannot be read", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptForAnotherAppIsAttestationInvalidAtAttestation()
    {
        // At attestation the receipt is part of the evidence: a mismatch is forged evidence, not another app's policy.
        var error = Refuse(Valid with { ReceiptAppId = "ABCDE12345.com.contoso.other" });

        Assert.Contains("receipt was made for another App ID", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptForAnotherKeyIsAttestationInvalid()
    {
        using var other = new AppAttestTestDevice();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other", other.Key, HashAlgorithmName.SHA256);
        using var otherCertificate = request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));

        var error = Refuse(Valid with { ReceiptAttestedCertificate = otherCertificate.RawData });

        Assert.Contains("receipt was made for another attested key", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptFromApplesServerInPlaceOfTheAttestationsIsAttestationInvalid()
    {
        var error = Refuse(Valid with { ReceiptType = "RECEIPT" });

        Assert.Contains("not of type ATTEST", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptUnderAnUntrustedRootIsAttestationInvalid()
    {
        using var stranger = new AppAttestTestAuthority("Stranger");
        var leaf = AppAttestAttestationObject.Read(_authority.Attest(_device, Valid)).Certificates[0];

        var error = Refuse(Valid with { Receipt = stranger.Receipt(AppId, leaf, ClientDataHash, Now) });

        Assert.Contains("does not chain to Apple Root CA - G3", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVerifiedAttestationIsTheDeviceOfItsKeyIdWithItsKeyAndReceipt()
    {
        var challenge = "the-challenge";
        var attestation = _authority.Attest(_device, Valid with { ClientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge)) });
        var verifier = new AppleAttestationVerifier(new FakeTimeProvider(Now), [_authority.RootCertificate]);
        var evidence = verifier.ReadEvidence(Json($$"""{"keyId":"{{Convert.ToBase64String(_device.KeyId)}}","attestationObject":"{{Convert.ToBase64String(attestation)}}"}"""));

        var verdict = await verifier.VerifyAsync(Policy, challenge, evidence);

        Assert.Equal(Base64Flexible.ToBase64Url(_device.KeyId), verdict.DeviceId);
        Assert.Equal(evidence.ClaimedDeviceId, verdict.DeviceId);
        Assert.Equal(_device.SubjectPublicKeyInfo, verdict.PublicKey);
        Assert.Equal(0, verdict.Counter);
        Assert.Equal("apple-app-attest development", verdict.VerdictSummary);
        Assert.False(verdict.AllowsReattestation);
        Assert.Equal(AppAttestAttestationObject.Read(attestation).Receipt, verdict.Receipt);
    }

    [Fact]
    public async Task AnAppWithoutABundleIdIsAPolicyViolation()
    {
        var evidence = new AppleAttestationEvidence(_device.KeyId, _authority.Attest(_device, Valid));

        var error = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(new AppleAppAttestPolicy { TeamId = "ABCDE12345" }, "challenge", evidence));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("not configured", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"attestationObject":"AAAA"}""", "keyId")]
    [InlineData("""{"keyId":"AAAA","attestationObject":"AAAA"}""", "keyId")]
    [InlineData("""{"keyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","attestationObject":"not base64!"}""", "attestationObject")]
    [InlineData("""{"keyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""", "attestationObject")]
    public void EvidenceWithoutABase64KeyIdAndAttestationObjectIsAnInvalidRequest(string evidence, string field)
    {
        var error = Assert.Throws<AttestationException>(() => _verifier.ReadEvidence(Json(evidence)));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
        Assert.Contains(field, error.Detail, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }

    private static AppleAppAttestPolicy Policy => new() { TeamId = "ABCDE12345", BundleId = "com.contoso.demo", AllowDevelopment = true };

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private AppleAttestationResult Verify(byte[] attestation, bool allowDevelopment = true) =>
        _verifier.VerifyAttestation(attestation, _device.KeyId, AppId, allowDevelopment, ClientDataHash, Now);

    private void AssertRefused(byte[] attestation, AttestationErrorCode code, string detail, bool allowDevelopment = true)
    {
        var error = Assert.Throws<AttestationException>(() => Verify(attestation, allowDevelopment));

        Assert.Equal(code, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    private AttestationException Refuse(AttestationShape shape)
    {
        var error = Assert.Throws<AttestationException>(() => Verify(_authority.Attest(_device, shape)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        return error;
    }
}
