using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// One test per validation step of Apple's "Verify the assertion": each builds an assertion with a test device that breaks
/// that step only, and asserts the code and the detail. Then the refresh verifier as the refresh flow calls it.
/// </summary>
public sealed class AppleAssertionVerifierTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestDevice _device = new();
    private readonly AppleAssertionVerifier _verifier = new();

    [Fact]
    public void AnAssertionByTheAttestedKeyVerifiesAndReturnsItsCounter()
    {
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 7);

        Assert.Equal(7, AppleAssertionVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, 6));
    }

    [Fact]
    public void AnAssertionWithTheAtFlagAndAnExtensionMapVerifies()
    {
        // docs/quirks.md: live assertions have carried the AT flag and a CBOR extension map after the counter.
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 2, flags: 0xC0, appendedToAuthData: [0xa1, 0x63, (byte)'e', (byte)'x', (byte)'t', 0xf5]);

        Assert.Equal(2, AppleAssertionVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, 1));
    }

    [Fact]
    public void Step3AnAssertionOverAnotherChallengeIsRefused() =>
        AssertRefused(AppAttestTestAuthority.Assert(_device, AppId, SHA256.HashData("other"u8), 1), 0, AttestationErrorCode.ProofInvalid, "signature");

    [Fact]
    public void Step3AnAssertionByAnotherKeyIsRefused()
    {
        using var other = new AppAttestTestDevice();

        AssertRefused(AppAttestTestAuthority.Assert(other, AppId, ClientDataHash, 1), 0, AttestationErrorCode.ProofInvalid, "signature");
    }

    [Fact]
    public void Step4AnotherAppIdIsAPolicyViolation() =>
        AssertRefused(AppAttestTestAuthority.Assert(_device, "ZYXWV98765.com.contoso.demo", ClientDataHash, 1), 0, AttestationErrorCode.PolicyViolation, "another App ID");

    [Theory]
    [InlineData(5u, 5)]
    [InlineData(4u, 5)]
    [InlineData(0u, 0)]
    public void Step5ACounterNotGreaterThanTheStoredOneIsRefused(uint counter, long stored) =>
        AssertRefused(AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, counter), stored, AttestationErrorCode.ProofInvalid, "not greater than");

    [Fact]
    public void AnAssertionThatIsNotCborIsAProofInvalid() =>
        AssertRefused([0xa2, 0x01], 0, AttestationErrorCode.ProofInvalid, "cannot be read");

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

        AssertRefused(writer.Encode(), 0, AttestationErrorCode.ProofInvalid, "fewer than the 37");
    }

    [Fact]
    public void AStoredKeyThatIsNotAnEcdsaKeyIsAProofInvalid()
    {
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 1);

        var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(assertion, [1, 2, 3], AppId, ClientDataHash, 0));

        Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
        Assert.Contains("not an ECDSA public key", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefreshProofSignedOverTheChallengeReturnsTheAssertionsCounter()
    {
        var assertion = AppAttestTestAuthority.Assert(_device, AppId, SHA256.HashData(Encoding.UTF8.GetBytes("the-challenge")), 3);
        var proof = _verifier.ReadProof(Json($$"""{"assertion":"{{Convert.ToBase64String(assertion)}}"}"""));

        var verdict = await _verifier.VerifyAsync(Policy, Registration(_device.SubjectPublicKeyInfo, counter: 2), "the-challenge", proof);

        Assert.Equal(3, verdict.Counter);
    }

    [Fact]
    public async Task ARegistrationWithoutAStoredKeyCannotRefresh()
    {
        var proof = new AppleAssertionProof(AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 1));

        var error = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy, Registration(publicKey: null, counter: 0), "challenge", proof));

        Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
        Assert.Contains("attest again", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAppWithoutATeamIdCannotRefresh()
    {
        var proof = new AppleAssertionProof(AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 1));

        var error = await Assert.ThrowsAsync<AttestationException>(() =>
            _verifier.VerifyAsync(new AppleAppAttestPolicy { BundleId = "com.contoso.demo" }, Registration(_device.SubjectPublicKeyInfo, counter: 0), "challenge", proof));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"assertion":""}""")]
    [InlineData("""{"assertion":"not base64!"}""")]
    [InlineData("""{"assertion":42}""")]
    public void AProofWithoutABase64AssertionIsAnInvalidRequest(string proof)
    {
        var error = Assert.Throws<AttestationException>(() => _verifier.ReadProof(Json(proof)));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
        Assert.Contains("proof", error.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => _device.Dispose();

    private static AppleAppAttestPolicy Policy => new() { TeamId = "ABCDE12345", BundleId = "com.contoso.demo" };

    private static DeviceRegistration Registration(byte[]? publicKey, long counter) =>
        new("com.contoso.demo", "device", PlatformNames.AppleAppAttest, publicKey, counter, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "apple-app-attest development", DeviceStatus.Active);

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private void AssertRefused(byte[] assertion, long stored, AttestationErrorCode code, string detail)
    {
        var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(assertion, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, stored));

        Assert.Equal(code, error.Code);
        Assert.Contains(detail, error.Detail, StringComparison.Ordinal);
    }
}
