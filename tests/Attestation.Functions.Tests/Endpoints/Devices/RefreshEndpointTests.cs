using System.Net;
using Attestation.Core;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;
using Attestation.Core.Text;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Endpoints.Devices;

public class RefreshEndpointTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private static readonly string DebugDevice = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task AnAttestedDeviceRefreshesAndGetsAValidToken()
    {
        (await _backend.AttestDebugAsync()).Dispose();

        using var response = await _backend.RefreshDebugAsync(DebugDevice);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(DebugDevice, body.GetProperty("deviceId").GetString());
        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal(DebugDevice, verified.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task AnUnknownDeviceIsDeviceUnknown()
    {
        using var response = await _backend.RefreshDebugAsync(Base64Flexible.ToBase64Url(new byte[32]));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "device_unknown");
    }

    [Fact]
    public async Task TheDebugTokenOfAnotherDeviceIsProofInvalid()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        await RegisterAsync("someone-else", PlatformNames.Debug, DeviceStatus.Active);

        using var response = await _backend.RefreshDebugAsync("someone-else");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "proof_invalid");
    }

    [Fact]
    public async Task AUsedChallengeIsChallengeInvalid()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var challenge = await _backend.ChallengeAsync();
        (await _backend.RefreshDebugAsync(DebugDevice, challenge: challenge)).Dispose();

        using var response = await _backend.RefreshDebugAsync(DebugDevice, challenge: challenge);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task ARefusedRefreshStillConsumesItsChallenge()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var challenge = await _backend.ChallengeAsync();

        // docs/api.md: the first refresh that presents a challenge consumes it, whether that call succeeds or fails.
        using var refused = await _backend.RefreshDebugAsync(DebugDevice, debugToken: "a-token-nobody-registered", challenge: challenge);
        using var again = await _backend.RefreshDebugAsync(DebugDevice, challenge: challenge);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "proof_invalid");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task ADeviceIdInTheStandardBase64AlphabetWithPaddingRefreshesThatDevice()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var standard = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RunningBackend.DebugToken)));
        Assert.Contains("+", standard, StringComparison.Ordinal);
        Assert.EndsWith("=", standard, StringComparison.Ordinal);

        // The README: deviceId is accepted in either base64 alphabet, padded or not; the backend answers base64url.
        using var response = await _backend.RefreshDebugAsync(standard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DebugDevice, (await RunningBackend.ReadJsonAsync(response)).GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task ARevokedDeviceIsDeviceRevokedAtRefreshAndAtVerify()
    {
        var deviceId = await RegisterAsync("revoked-device", PlatformNames.Debug, DeviceStatus.Active);
        var token = await IssueTokenDirectlyAsync(deviceId);
        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());

        await RevokeAsync(deviceId);
        using var response = await _backend.RefreshDebugAsync(deviceId);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "device_revoked");
        Assert.Equal("device_revoked", (await _backend.VerifyAsync(token)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task APlayIntegrityDeviceCannotRefresh()
    {
        var deviceId = await RegisterAsync("play-device", PlatformNames.PlayIntegrity, DeviceStatus.Active);

        using var response = await _backend.PostAsync("/api/v1/token/refresh", new { appId = RunningBackend.DemoApp, deviceId, challenge = await _backend.ChallengeAsync() });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "refresh_unsupported");
    }

    [Theory]
    [InlineData("""{"appId":"com.contoso.demo","deviceId":"DEVICE","challenge":"CHALLENGE"}""")]
    [InlineData("""{"appId":"com.contoso.demo","deviceId":"DEVICE","challenge":"CHALLENGE","proof":{}}""")]
    [InlineData("""{"appId":"com.contoso.demo","deviceId":"DEVICE","proof":{"debugToken":"local-debug-token"}}""")]
    [InlineData("""{"appId":"com.contoso.demo","deviceId":"not base64!","challenge":"CHALLENGE","proof":{"debugToken":"local-debug-token"}}""")]
    public async Task AMalformedRefreshIsAnInvalidRequestAndLeavesTheChallengeUnused(string template)
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var challenge = await _backend.ChallengeAsync();

        using var refused = await _backend.PostRawAsync("/api/v1/token/refresh",
            template.Replace("CHALLENGE", challenge, StringComparison.Ordinal).Replace("DEVICE", DebugDevice, StringComparison.Ordinal));
        using var accepted = await _backend.RefreshDebugAsync(DebugDevice, challenge: challenge);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ARegistrationOlderThanTheMaximumAgeIsAttestationRequiredEvenForADecoyAppUntilItAttestsAgain()
    {
        // A row as stored before attestations kept their instant: its age counts from FirstSeen, here past the 30-day default.
        var firstSeen = DateTimeOffset.UtcNow.AddDays(-31);
        Assert.True(await _backend.Services.GetRequiredService<IDeviceStore>().TryAddAsync(new DeviceRegistration(
            RunningBackend.DecoyApp, DebugDevice, PlatformNames.Debug, null, 0, firstSeen, firstSeen.AddDays(30), "debug token", DeviceStatus.Active)));

        using var old = await _backend.RefreshDebugAsync(DebugDevice, appId: RunningBackend.DecoyApp);
        (await _backend.AttestDebugAsync(appId: RunningBackend.DecoyApp)).Dispose();
        using var again = await _backend.RefreshDebugAsync(DebugDevice, appId: RunningBackend.DecoyApp);

        await ProblemAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized, "attestation_required");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var verified = await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(again)).GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
    }

    private async Task<string> RegisterAsync(string deviceId, string platform, DeviceStatus status)
    {
        var devices = _backend.Services.GetRequiredService<IDeviceStore>();
        var now = DateTimeOffset.UtcNow;
        await devices.TryAddAsync(new DeviceRegistration(RunningBackend.DemoApp, deviceId, platform, null, 0, now, now, "test", status));
        return deviceId;
    }

    /// <summary>As the admin API revokes: the device row and the revocation log that verify reads.</summary>
    private async Task RevokeAsync(string deviceId) =>
        await _backend.Services.GetRequiredService<Attestation.Core.Administration.DeviceAdministration>().SetStatusAsync(RunningBackend.DemoApp, deviceId, DeviceStatus.Revoked);

    private async Task<string> IssueTokenDirectlyAsync(string deviceId)
    {
        var keys = await _backend.Services.GetRequiredService<Attestation.Core.Tokens.ISigningKeyProvider>().GetKeysAsync();
        var issuer = _backend.Services.GetRequiredService<Attestation.Core.Tokens.TokenIssuer>();
        return issuer.Issue(keys, new Attestation.Core.Tokens.TokenSubject(deviceId, RunningBackend.DemoApp, PlatformNames.Debug, null)).Token;
    }
}
