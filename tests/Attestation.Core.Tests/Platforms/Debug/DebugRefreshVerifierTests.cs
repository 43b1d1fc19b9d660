using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Platforms.Debug;

public class DebugRefreshVerifierTests
{
    private static readonly DebugPolicy Policy = new([Convert.FromHexString("e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009")]);

    private readonly DebugRefreshVerifier _verifier = new(production: false);

    [Fact]
    public async Task ARefreshWithTheDevicesOwnRegisteredTokenKeepsItsCounter()
    {
        var deviceId = Base64Flexible.Sha256Base64Url("local-debug-token");
        var registration = new DeviceRegistration("com.contoso.demo", deviceId, PlatformNames.Debug, null, 7, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "debug token", DeviceStatus.Active, "etag");
        var proof = _verifier.ReadProof(Json("""{"debugToken":"local-debug-token"}"""));

        var verdict = await _verifier.VerifyAsync(Policy, registration, "challenge", proof);

        Assert.Equal(7, verdict.Counter);
    }

    [Fact]
    public async Task ARefreshWithTheTokenOfAnotherDeviceIsProofInvalid()
    {
        var registration = new DeviceRegistration("com.contoso.demo", "someone-else", PlatformNames.Debug, null, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "debug token", DeviceStatus.Active, "etag");
        var proof = _verifier.ReadProof(Json("""{"debugToken":"local-debug-token"}"""));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy, registration, "challenge", proof));

        Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
    }

    [Fact]
    public async Task ARefreshWithATokenTakenOffTheAppsListIsProofInvalid()
    {
        var deviceId = Base64Flexible.Sha256Base64Url("local-debug-token");
        var registration = new DeviceRegistration("com.contoso.demo", deviceId, PlatformNames.Debug, null, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "debug token", DeviceStatus.Active, "etag");
        var proof = _verifier.ReadProof(Json("""{"debugToken":"local-debug-token"}"""));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(new DebugPolicy([]), registration, "challenge", proof));

        Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
