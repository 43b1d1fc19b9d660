using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// The attestation verifier: evidence shape, device id, its own steps (hardware only, one security level, generated key,
/// signing purpose, challenge), and the facts its outcome
/// carries whatever it is. Chain rules are <see cref="AndroidAttestationChainVerifierTests"/>', policy rules
/// <see cref="AndroidKeyAttestationPolicyEnforcementTests"/>'.
/// </summary>
public sealed class AndroidKeyAttestationVerifierTests
{
    private const string Challenge = "ZmFrZS1jaGFsbGVuZ2U";

    [Fact]
    public async Task AVerifiedChainGivesTheSha256OfTheAttestedKeyAsDeviceIdAndStoresTheKey()
    {
        var chain = new AndroidTestChain { Challenge = Encoding.UTF8.GetBytes(Challenge) };
        var verifier = AndroidTestKit.Verifier(chain);
        var evidence = verifier.ReadEvidence(AndroidTestKit.Json(chain.Evidence()));

        var verdict = await verifier.VerifyAsync(AndroidTestKit.Policy(), Challenge, evidence);

        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(chain.LeafPublicKey)), verdict.DeviceId);
        Assert.Equal(verdict.DeviceId, evidence.ClaimedDeviceId);
        Assert.Equal(chain.LeafPublicKey, verdict.PublicKey);
        Assert.False(verdict.AllowsReattestation);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"certificateChain": "abc"}""")]
    [InlineData("""{"certificateChain": []}""")]
    [InlineData("""{"certificateChain": [1]}""")]
    [InlineData("""{"certificateChain": ["not base64!"]}""")]
    [InlineData("""{"certificateChain": ["\uD800"]}""")]
    [InlineData("""{"certificateChain": ["AA","AA","AA","AA","AA","AA","AA","AA","AA","AA","AA"]}""")]
    [InlineData("""[]""")]
    public void EvidenceOfTheWrongShapeIsAnInvalidRequest(string json)
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());

        var error = Assert.Throws<AttestationException>(() => verifier.ReadEvidence(JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task BytesThatAreNotACertificateAreAttestationInvalid()
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());
        var evidence = verifier.ReadEvidence(AndroidTestKit.Json(new { certificateChain = new[] { "AAAA", "AAAA" } }));

        var error = await Assert.ThrowsAsync<AttestationException>(() => verifier.VerifyAsync(AndroidTestKit.Policy(), Challenge, evidence));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Null(evidence.ClaimedDeviceId);
    }

    [Fact]
    public async Task ALeafWithoutTheAttestationExtensionIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { LeafHasExtension = false });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("no key attestation extension", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASoftwareSecurityLevelIsRefusedEvenUnderATrustedRoot()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { SecurityLevel = 0 });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("SOFTWARE", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    public async Task AKeyMintSecurityLevelOtherThanTheAttestationSecurityLevelIsRefused(int attestation, int keyMint)
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { SecurityLevel = attestation, KeyMintSecurityLevel = keyMint });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("KeyMint security level", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStrongBoxAttestationOfATeeKeyIsInvalidNotMerelyBelowAStrongBoxPolicy()
    {
        var policy = AndroidTestKit.Policy();
        policy.MinimumSecurityLevel = "strongbox";

        var (code, _) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { SecurityLevel = 2, KeyMintSecurityLevel = 1 }, policy);

        Assert.Equal("attestation_invalid", code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task AKeyNotGeneratedInTheSecureHardwareIsRefused(int origin)
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { Origin = origin });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("not generated", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWithoutAHardwareEnforcedOriginIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { Origin = null });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("origin", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 3 })]
    [InlineData(new[] { 0, 1 })]
    [InlineData(new[] { 7 })]
    public async Task AKeyWhosePurposesDoNotIncludeSignIsRefused(int[] purposes)
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { Purposes = purposes });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("SIGN", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyWithoutHardwareEnforcedPurposesIsRefused()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { Purposes = null });

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("SIGN", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyThatMaySignAndVerifyIsAccepted()
    {
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { Purposes = [2, 3] })).Code);
    }

    [Fact]
    public async Task AnotherChallengeIsRefused()
    {
        var chain = new AndroidTestChain();

        var outcome = await AndroidTestKit.Verifier(chain).VerifyChainAsync(chain.Build(), "other"u8.ToArray(), AndroidTestKit.Policy(), AndroidTestKit.Now);

        Assert.Contains("challenge", AndroidTestKit.Refusal(outcome).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVerifiedOutcomeCarriesTheKeyDescriptionAndTheRootAsFacts()
    {
        var chain = new AndroidTestChain();

        var outcome = await AndroidTestKit.Verifier(chain).VerifyChainAsync(chain.Build(), chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now);

        Assert.True(outcome.IsVerified);
        Assert.Null(outcome.Refusal);
        Assert.Equal("test", outcome.Facts.RootKind);
        Assert.Same(outcome.Result.Description, outcome.Facts.Description);
        Assert.Equal(outcome.Result.DeviceId, outcome.ResultOrThrow().DeviceId);
    }

    [Fact]
    public async Task APolicyViolationStillCarriesEverythingThatWasRead()
    {
        var chain = new AndroidTestChain { DeviceLocked = false };

        var outcome = await AndroidTestKit.Verifier(chain).VerifyChainAsync(chain.Build(), chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now);

        Assert.False(outcome.IsVerified);
        Assert.Null(outcome.Result);
        Assert.Equal(AttestationErrorCode.PolicyViolation, outcome.Refusal.Code);
        Assert.False(outcome.Facts.Description!.RootOfTrust!.DeviceLocked);
        Assert.Equal("test", outcome.Facts.RootKind);
        Assert.Same(outcome.Refusal, Assert.Throws<AttestationException>(() => outcome.ResultOrThrow()));
    }

    [Fact]
    public async Task AChainRefusedByTheChainRulesCarriesItsKeyDescriptionButNoRoot()
    {
        var chain = new AndroidTestChain { SignLeafWithWrongKey = true };

        var outcome = await AndroidTestKit.Verifier(chain).VerifyChainAsync(chain.Build(), chain.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now);

        Assert.Equal(AttestationErrorCode.AttestationInvalid, AndroidTestKit.Refusal(outcome).Code);
        Assert.Equal(chain.Challenge, outcome.Facts.Description!.AttestationChallenge);
        Assert.Null(outcome.Facts.RootKind);
    }

    [Fact]
    public async Task AChainThatDoesNotLoadCarriesNoFacts()
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());

        var outcome = await verifier.VerifyChainAsync([[0x30, 0x03, 0x02, 0x01, 0x01]], "challenge"u8.ToArray(), AndroidTestKit.Policy(), AndroidTestKit.Now);

        Assert.Equal(AttestationErrorCode.AttestationInvalid, AndroidTestKit.Refusal(outcome).Code);
        Assert.Same(AndroidKeyAttestationFacts.None, outcome.Facts);
    }
}
