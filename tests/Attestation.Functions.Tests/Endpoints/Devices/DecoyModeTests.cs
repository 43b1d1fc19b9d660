using System.Net;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Text;
using Attestation.Functions.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Endpoints.Devices;

public class DecoyModeTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private static readonly string DebugDevice = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task AGenuineAttestationInDecoyModeGetsATrustedToken()
    {
        using var response = await _backend.AttestDebugAsync(RunningBackend.DecoyApp);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task AForgedAttestationGetsAnUntrustedTokenOfTheSameShape()
    {
        using var genuine = await _backend.AttestDebugAsync(RunningBackend.DecoyApp);
        using var metrics = new MetricsRecorder(_backend);
        using var forged = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: "guessed-token");

        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        var genuineBody = await RunningBackend.ReadJsonAsync(genuine);
        var forgedBody = await RunningBackend.ReadJsonAsync(forged);
        AssertSameShape(genuineBody, forgedBody);
        Assert.Equal(Base64Flexible.Sha256Base64Url("guessed-token"), forgedBody.GetProperty("deviceId").GetString());

        var verdict = await _backend.VerifyAsync(forgedBody.GetProperty("token").GetString()!);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", verdict.GetProperty("reason").GetString());
        Assert.Equal(["attestation_invalid"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task AReusedChallengeGetsADecoyToken()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var replay = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(replay)).GetProperty("token").GetString()!;
        Assert.False((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
        Assert.Equal(["challenge_invalid"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task ForgedAppAttestEvidenceGetsADecoyToken()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        var evidence = new { keyId = Base64Flexible.ToBase64Url(new byte[32]), attestationObject = "o2NmbXRvYXBwbGUtYXBwYXR0ZXN0" };
        using var metrics = new MetricsRecorder(_backend);

        using var response = await _backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DecoyApp, platform = "apple-app-attest", challenge, evidence });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        Assert.Equal("bad_signature", (await _backend.VerifyAsync(token)).GetProperty("reason").GetString());
        Assert.Equal(["attestation_invalid"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task ARevokedDeviceGetsADecoyTokenAtRefreshAndAttest()
    {
        // A backend of its own: revoking the debug device must not affect the other tests of this class.
        await using var backend = await RunningBackend.StartAsync();
        var deviceId = Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);
        (await backend.AttestDebugAsync(RunningBackend.DecoyApp)).Dispose();
        var devices = backend.Services.GetRequiredService<IDeviceStore>();
        var registration = (await devices.FindAsync(RunningBackend.DecoyApp, deviceId))!;
        Assert.True(await devices.TryUpdateAsync(registration with { Status = DeviceStatus.Revoked }));
        using var metrics = new MetricsRecorder(backend);

        using var refresh = await backend.RefreshDebugAsync(deviceId, RunningBackend.DecoyApp);
        using var attest = await backend.AttestDebugAsync(RunningBackend.DecoyApp);

        foreach (var response in new[] { refresh, attest })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
            Assert.Equal("bad_signature", (await backend.VerifyAsync(token)).GetProperty("reason").GetString());
        }

        Assert.Equal(["device_revoked", "device_revoked"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task ADeviceThatGotADecoyAtAttestGetsADecoyAtRefresh()
    {
        // It was never registered; a 404 at refresh would tell that its attestation failed.
        using var metrics = new MetricsRecorder(_backend);
        using var attested = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: "guessed-token");
        var deviceId = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("deviceId").GetString()!;

        using var refreshed = await _backend.RefreshDebugAsync(deviceId, RunningBackend.DecoyApp, debugToken: "guessed-token");

        await AssertDecoyAsync(refreshed);
        Assert.Equal(deviceId, (await RunningBackend.ReadJsonAsync(refreshed)).GetProperty("deviceId").GetString());
        Assert.Equal(["attestation_invalid", "device_unknown"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task ABadProofForARegisteredDeviceGetsADecoyAtRefresh()
    {
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var refreshed = await _backend.RefreshDebugAsync(DebugDevice, RunningBackend.DecoyApp, debugToken: "guessed-token");

        await AssertDecoyAsync(refreshed);
        Assert.Equal(["proof_invalid"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task TheRejectModeAppStillAnswersAnUnknownDeviceAndABadProof()
    {
        (await _backend.AttestDebugAsync()).Dispose();

        using var unknown = await _backend.RefreshDebugAsync(Base64Flexible.ToBase64Url(new byte[32]));
        using var badProof = await _backend.RefreshDebugAsync(DebugDevice, debugToken: "guessed-token");

        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "device_unknown");
        await ProblemAssert.IsProblemAsync(badProof, HttpStatusCode.Unauthorized, "proof_invalid");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"assertion": 5}""")]
    [InlineData("""{"debugToken": ""}""")]
    [InlineData("[]")]
    [InlineData("""{"signature": "AAAA"}""")]
    [InlineData("""{"assertion": "AAAA"}""")]
    [InlineData("""{"debugToken": "guessed-token"}""")]
    public async Task ARegisteredAndAnUnknownDeviceGetTheSameAnswerToTheSameRefresh(string? proof)
    {
        // The registered device is the debug device; the proofs are malformed, or of another platform's shape, or wrong.
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var registered = await RefreshRawAsync(DebugDevice, proof);
        using var unknown = await RefreshRawAsync(Base64Flexible.Sha256Base64Url("never-attested"), proof);

        var registeredAnswer = await AnswerAsync(registered);
        Assert.Equal(registeredAnswer, await AnswerAsync(unknown));
        if (registeredAnswer.StartsWith("decoy ", StringComparison.Ordinal))
        {
            // The same answer hides two different refusals: a wrong proof for the registered device, no such device for the other.
            Assert.Equal(["proof_invalid", "device_unknown"], HiddenRefusals(metrics));
        }
        else
        {
            Assert.Equal("400 invalid_request", registeredAnswer);
            Assert.Empty(HiddenRefusals(metrics));
        }
    }

    [Fact]
    public async Task AMissingProofIsAnInvalidRequestForARegisteredAndAnUnknownDevice()
    {
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp)).Dispose();

        using var registered = await RefreshRawAsync(DebugDevice, proof: null);
        using var unknown = await RefreshRawAsync(Base64Flexible.ToBase64Url(new byte[32]), proof: null);

        await ProblemAssert.IsProblemAsync(registered, HttpStatusCode.BadRequest, "invalid_request");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ADecoyForAnUnknownDeviceNamesThePlatformItsProofLooksLike()
    {
        // A replayed challenge is hidden; the decoy's plat claim must not tell that the device is unknown either.
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        (await _backend.AttestDebugAsync(RunningBackend.DecoyApp, challenge: challenge)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var response = await _backend.PostAsync("/api/v1/token/refresh", new
        {
            appId = RunningBackend.DecoyApp,
            deviceId = Base64Flexible.ToBase64Url(new byte[32]),
            challenge,
            proof = new { assertion = "AAAA" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        using var claims = JsonDocument.Parse(Base64Decode(token.Split('.')[1]));
        Assert.Equal("apple-app-attest", claims.RootElement.GetProperty("plat").GetString());
        Assert.Equal(["challenge_invalid"], HiddenRefusals(metrics));
    }

    [Fact]
    public async Task MalformedRequestsAreStillRefusedInDecoyMode()
    {
        // Decoy hides verdicts, not the contract: a body that cannot be read is a 400 for every app.
        using var response = await _backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DecoyApp, platform = "debug", challenge = "x" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    /// <summary>
    /// The refusal codes that the decoys answered while <paramref name="metrics"/> listened, in order: a decoy answer looks
    /// the same whatever it hides, so only the server's own count tells which refusal a test really provoked.
    /// </summary>
    private static string[] HiddenRefusals(MetricsRecorder metrics) =>
        [.. metrics.All
            .Where(m => m.Instrument is "attestation.attestations" or "attestation.refreshes" && m.Has(("app", RunningBackend.DecoyApp), ("outcome", "decoy")))
            .Select(m => m.Tags["code"] ?? "no code")];

    private async Task<HttpResponseMessage> RefreshRawAsync(string deviceId, string? proof)
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        var proofMember = proof is null ? "" : $", \"proof\": {proof}";
        return await _backend.PostRawAsync("/api/v1/token/refresh", $$"""{"appId": "{{RunningBackend.DecoyApp}}", "deviceId": "{{deviceId}}", "challenge": "{{challenge}}"{{proofMember}}}""");
    }

    /// <summary>"decoy" for a 200 whose token no verifier trusts, else the status and code; a genuine token fails the test.</summary>
    private async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var body = await RunningBackend.ReadJsonAsync(response);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode} {body.GetProperty("code").GetString()}";
        }

        var token = body.GetProperty("token").GetString()!;
        Assert.Equal("bad_signature", (await _backend.VerifyAsync(token)).GetProperty("reason").GetString());

        // The plat claim is readable by the caller, so it is part of the answer.
        using var claims = JsonDocument.Parse(Base64Decode(token.Split('.')[1]));
        return "decoy " + claims.RootElement.GetProperty("plat").GetString();
    }

    private async Task AssertDecoyAsync(HttpResponseMessage response) => Assert.StartsWith("decoy ", await AnswerAsync(response), StringComparison.Ordinal);

    private static void AssertSameShape(JsonElement expected, JsonElement actual)
    {
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
        var expectedParts = expected.GetProperty("token").GetString()!.Split('.');
        var actualParts = actual.GetProperty("token").GetString()!.Split('.');
        Assert.Equal(expectedParts[0], actualParts[0]);
        using var expectedClaims = JsonDocument.Parse(Base64Decode(expectedParts[1]));
        using var actualClaims = JsonDocument.Parse(Base64Decode(actualParts[1]));
        Assert.Equal(
            expectedClaims.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            actualClaims.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static byte[] Base64Decode(string text) => Base64Flexible.TryDecode(text, out var bytes) ? bytes : throw new FormatException();
}
