using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// One test per validation step of Apple's "Verify the attestation" and "Verify the assertion": each builds evidence under
/// a test authority that breaks that step only, and asserts the code and the detail.
/// </summary>
public sealed class AppleAppAttestVerifierTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();
    private readonly AppleAppAttestVerifier _verifier;

    public AppleAppAttestVerifierTests()
    {
        _verifier = new AppleAppAttestVerifier(TimeProvider.System, [_authority.RootCertificate]);
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

        var error = Assert.Throws<AttestationException>(() => new AppleAppAttestVerifier(TimeProvider.System)
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
        // QUIRKS.md, Apple's 2026 sample: a CBOR map after the COSE key with the ED flag clear.
        var result = Verify(_authority.Attest(_device, Valid with { TrailingAuthDataBytes = [0xa1, 0x01, 0x02] }));

        Assert.Equal(_device.KeyId, result.KeyId);
    }

    [Fact]
    public void TheReceiptIsKeptForLaterRiskChecks()
    {
        var result = Verify(_authority.Attest(_device, Valid with { Receipt = [1, 2, 3] }));

        Assert.Equal([1, 2, 3], result.Receipt);
    }

    [Fact]
    public void AnAssertionByTheAttestedKeyVerifiesAndReturnsItsCounter()
    {
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 7);

        Assert.Equal(7, AppleAppAttestVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, 6));
    }

    [Fact]
    public void AnAssertionWithTheAtFlagAndAnExtensionMapVerifies()
    {
        // QUIRKS.md: live assertions have carried the AT flag and a CBOR extension map after the counter.
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 2, flags: 0xC0, appendedToAuthData: [0xa1, 0x63, (byte)'e', (byte)'x', (byte)'t', 0xf5]);

        Assert.Equal(2, AppleAppAttestVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, 1));
    }

    [Fact]
    public void AssertionStep3AnAssertionOverAnotherChallengeIsRefused() =>
        AssertAssertionRefused(AppAttestTestAuthority.Assert(_device, AppId, SHA256.HashData("other"u8), 1), 0, AttestationErrorCode.ProofInvalid, "signature");

    [Fact]
    public void AssertionStep3AnAssertionByAnotherKeyIsRefused()
    {
        using var other = new AppAttestTestDevice();

        AssertAssertionRefused(AppAttestTestAuthority.Assert(other, AppId, ClientDataHash, 1), 0, AttestationErrorCode.ProofInvalid, "signature");
    }

    [Fact]
    public void AssertionStep4AnotherAppIdIsAPolicyViolation() =>
        AssertAssertionRefused(AppAttestTestAuthority.Assert(_device, "ZYXWV98765.com.contoso.demo", ClientDataHash, 1), 0, AttestationErrorCode.PolicyViolation, "another App ID");

    [Theory]
    [InlineData(5u, 5)]
    [InlineData(4u, 5)]
    [InlineData(0u, 0)]
    public void AssertionStep5ACounterNotGreaterThanTheStoredOneIsRefused(uint counter, long stored) =>
        AssertAssertionRefused(AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, counter), stored, AttestationErrorCode.ProofInvalid, "not greater than");

    [Fact]
    public void AnAssertionThatIsNotCborIsAProofInvalid() =>
        AssertAssertionRefused([0xa2, 0x01], 0, AttestationErrorCode.ProofInvalid, "cannot be read");

    [Fact]
    public void AShortAuthenticatorDataIsAProofInvalid()
    {
        var writer = new System.Formats.Cbor.CborWriter();
        writer.WriteStartMap(2);
        writer.WriteTextString("signature");
        writer.WriteByteString([0x30, 0x00]);
        writer.WriteTextString("authenticatorData");
        writer.WriteByteString(new byte[36]);
        writer.WriteEndMap();

        AssertAssertionRefused(writer.Encode(), 0, AttestationErrorCode.ProofInvalid, "fewer than the 37");
    }

    [Fact]
    public void TheRootsOfTheTestOnlySettingAreReadFromPemOrBase64()
    {
        var roots = AppleAppAttestVerifier.ReadTrustedRoots([_authority.RootPem, Convert.ToBase64String(_authority.RootCertificate.RawData), " "]);

        Assert.Equal(2, roots.Count);
        Assert.All(roots, r => Assert.Equal(_authority.RootCertificate.Thumbprint, r.Thumbprint));
        Assert.Throws<FormatException>(() => AppleAppAttestVerifier.ReadTrustedRoots(["not a certificate"]));
    }

    [Fact]
    public void TestOnlyRootsAreRefusedWhenTheAppRunsInAzure()
    {
        var options = new AppleAppAttestOptions();
        options.TestOnlyTrustedRoots.Add(_authority.RootPem);

        Assert.True(new AppleAppAttestOptionsValidator(runsInAzure: true).Validate(null, options).Failed);
        Assert.True(new AppleAppAttestOptionsValidator(runsInAzure: false).Validate(null, options).Succeeded);
        Assert.True(new AppleAppAttestOptionsValidator(runsInAzure: true).Validate(null, new AppleAppAttestOptions()).Succeeded);
    }

    [Theory]
    [InlineData(null, null, "the Apple section")]
    [InlineData("abcde12345", "com.contoso.demo", "TeamId")]
    [InlineData("ABCDE1234", "com.contoso.demo", "TeamId")]
    [InlineData("ABCDE12345", "", "BundleId")]
    [InlineData("ABCDE12345", "com.contoso/demo", "BundleId")]
    public void APolicyWithoutAUsableAppleSectionIsRefusedAtStart(string? teamId, string? bundleId, string expected)
    {
        var policy = teamId is null && bundleId is null ? null : new AppleAppAttestPolicy { TeamId = teamId, BundleId = bundleId };

        Assert.Contains(new AppleAppAttestPolicyValidator().Validate(policy), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AWellFormedAppleSectionIsAccepted()
    {
        var policy = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.demo" };

        Assert.Empty(new AppleAppAttestPolicyValidator().Validate(policy));
        Assert.Equal("ABCDE12345.com.contoso.demo", AppleAppAttestVerifier.AppIdOf(policy));
    }

    [Fact]
    public void TheEmbeddedRootIsApplesPinnedRoot()
    {
        using var root = AppleAppAttestRootCertificate.Load();
        using var published = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", "apple-appattest-root-ca.pem")));

        Assert.Equal(published.RawData, root.RawData);
        Assert.Contains("CN=Apple App Attestation Root CA", root.Subject, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }

    private AppAttestAttestationResult Verify(byte[] attestation, bool allowDevelopment = true) =>
        _verifier.VerifyAttestation(attestation, _device.KeyId, AppId, allowDevelopment, ClientDataHash, Now);

    private void AssertRefused(byte[] attestation, AttestationErrorCode code, string detail, bool allowDevelopment = true)
    {
        var error = Assert.Throws<AttestationException>(() => Verify(attestation, allowDevelopment));

        Assert.Equal(code, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }

    private void AssertAssertionRefused(byte[] assertion, long stored, AttestationErrorCode code, string detail)
    {
        var error = Assert.Throws<AttestationException>(() => AppleAppAttestVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, stored));

        Assert.Equal(code, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }
}
