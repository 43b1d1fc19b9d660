using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Platforms.Debug;

public class DebugAttestationVerifierTests
{
    private static readonly DebugPolicy Policy = new([Convert.FromHexString("e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009")]);

    private readonly DebugAttestationVerifier _verifier = new(production: false);

    [Fact]
    public async Task ARegisteredDebugTokenAttestsAsTheDeviceItHashesTo()
    {
        var evidence = _verifier.ReadEvidence(Json("""{"debugToken":"local-debug-token"}"""));

        var verdict = await _verifier.VerifyAsync(Policy, "challenge", evidence);

        Assert.Equal(Base64Flexible.Sha256Base64Url("local-debug-token"), verdict.DeviceId);
        Assert.True(verdict.AllowsReattestation);
    }

    [Fact]
    public async Task AnUnregisteredDebugTokenIsAttestationInvalid()
    {
        var evidence = _verifier.ReadEvidence(Json("""{"debugToken":"guess"}"""));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy, "challenge", evidence));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"debugToken":5}""")]
    [InlineData("""{"debugToken":""}""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    [InlineData("""{"debugToken":"\uD800"}""")]
    public void EvidenceWithoutAStringDebugTokenIsAnInvalidRequest(string json)
    {
        var refusal = Assert.Throws<AttestationException>(() => _verifier.ReadEvidence(Json(json)));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
