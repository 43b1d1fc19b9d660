using System.Net;
using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Text;
using Attestation.Functions.Tests.Telemetry;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>The <c>android-key-attestation</c> platform end to end, against <see cref="AndroidBackendFixture"/>.</summary>
public sealed class AndroidKeyAttestationEndpointTests(AndroidBackendFixture fixture) : IClassFixture<AndroidBackendFixture>
{
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task ADeviceAttestsVerifiesAndRefreshesWithItsAttestedKey()
    {
        // challenge -> attest
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey) { Challenge = Encoding.UTF8.GetBytes(challenge) };
        using var attested = await AttestAsync(challenge, chain);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(attested);
        var deviceId = body.GetProperty("deviceId").GetString()!;
        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(chain.LeafPublicKey)), deviceId);

        // verify
        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("android-key-attestation", verified.GetProperty("platform").GetString());
        Assert.Equal(deviceId, verified.GetProperty("deviceId").GetString());

        // refresh: the attested key signs a new challenge
        var next = await _backend.ChallengeAsync();
        var signature = chain.LeafKey.SignData(Encoding.UTF8.GetBytes(next), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var refreshed = await _backend.PostAsync("/api/v1/token/refresh", new
        {
            appId = RunningBackend.DemoApp,
            deviceId,
            challenge = next,
            proof = new { signature = Convert.ToBase64String(signature) },
        });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var refreshedBody = await RunningBackend.ReadJsonAsync(refreshed);
        Assert.Equal(deviceId, refreshedBody.GetProperty("deviceId").GetString());
        Assert.True((await _backend.VerifyAsync(refreshedBody.GetProperty("token").GetString()!)).GetProperty("valid").GetBoolean());

        // The same key never registers twice.
        var again = await _backend.ChallengeAsync();
        chain.Challenge = Encoding.UTF8.GetBytes(again);
        using var twice = await AttestAsync(again, chain);
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Unauthorized, "attestation_invalid", action: "new_key");
    }

    [Fact]
    public async Task ARefreshSignedOverAnotherChallengeIsProofInvalid()
    {
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey) { Challenge = Encoding.UTF8.GetBytes(challenge) };
        using var attested = await AttestAsync(challenge, chain);
        var deviceId = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("deviceId").GetString()!;

        var next = await _backend.ChallengeAsync();
        var signature = chain.LeafKey.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var refreshed = await _backend.PostAsync("/api/v1/token/refresh", new
        {
            appId = RunningBackend.DemoApp,
            deviceId,
            challenge = next,
            proof = new { signature = Base64Flexible.ToBase64Url(signature) },
        });

        await ProblemAssert.IsProblemAsync(refreshed, HttpStatusCode.Unauthorized, "proof_invalid");
    }

    [Fact]
    public async Task AnAppSignedWithAnotherCertificateIsAPolicyViolation()
    {
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey)
        {
            Challenge = Encoding.UTF8.GetBytes(challenge),
            SignatureDigests = [SHA256.HashData("a repackaged app's signing certificate"u8)],
        };

        using var response = await AttestAsync(challenge, chain);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "policy_violation");
        Assert.Contains("signing certificate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnlockedBootloaderIsAPolicyViolation()
    {
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey) { Challenge = Encoding.UTF8.GetBytes(challenge), DeviceLocked = false };

        using var response = await AttestAsync(challenge, chain);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "policy_violation");
    }

    [Fact]
    public async Task AChainWithACertificateOnTheStatusListIsAttestationInvalid()
    {
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey)
        {
            Challenge = Encoding.UTF8.GetBytes(challenge),
            BatchSerial = Convert.FromHexString("00cc66e9a93713b6e643b26c15879786f7"),
        };

        using var response = await AttestAsync(challenge, chain);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "attestation_invalid");
    }

    [Fact]
    public async Task AChainForAnotherChallengeIsAttestationInvalid()
    {
        var challenge = await _backend.ChallengeAsync();
        var chain = new AndroidTestChain(fixture.TestRootKey) { Challenge = Encoding.UTF8.GetBytes("an older challenge") };

        using var response = await AttestAsync(challenge, chain);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "attestation_invalid");
    }

    [Fact]
    public async Task ARealChainForAnotherAppIsRefusedNotFailedWith500()
    {
        var vector = AndroidVectors.Load("android-key-pixel9pro-sdk36-tee-ec-rkp");
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.PostAsync("/api/v1/attest", new
        {
            appId = RunningBackend.DemoApp,
            platform = "android-key-attestation",
            challenge,
            evidence = new { certificateChain = vector.Chain.Select(Convert.ToBase64String).ToArray() },
        });

        // Verified "now", the real RKP chain has expired intermediates; either way it is refused with a code.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "attestation_invalid");
    }

    [Fact]
    public async Task ADecoyAppAnswersAPolicyViolationWithADecoyTokenForTheClaimedDevice()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);

        // The decoy app's policy names com.contoso.decoy; this chain names com.contoso.demo.
        var chain = new AndroidTestChain(fixture.TestRootKey) { Challenge = Encoding.UTF8.GetBytes(challenge) };
        using var metrics = new MetricsRecorder(_backend);
        using var response = await _backend.PostAsync("/api/v1/attest", new
        {
            appId = RunningBackend.DecoyApp,
            platform = "android-key-attestation",
            challenge,
            evidence = chain.Evidence(),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(chain.LeafPublicKey)), body.GetProperty("deviceId").GetString());
        Assert.False((await _backend.VerifyAsync(body.GetProperty("token").GetString()!)).GetProperty("valid").GetBoolean());
        var hidden = Assert.Single(metrics.Of("attestation.attestations", ("app", RunningBackend.DecoyApp), ("outcome", "decoy")));
        Assert.Equal("policy_violation", hidden.Tags["code"]);
    }

    [Fact]
    public async Task EvidenceOfTheWrongShapeIsAnInvalidRequest()
    {
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.PostAsync("/api/v1/attest", new
        {
            appId = RunningBackend.DemoApp,
            platform = "android-key-attestation",
            challenge,
            evidence = new { certificateChain = "not an array" },
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    private Task<HttpResponseMessage> AttestAsync(string challenge, AndroidTestChain chain) =>
        _backend.PostAsync("/api/v1/attest", new
        {
            appId = RunningBackend.DemoApp,
            platform = "android-key-attestation",
            challenge,
            evidence = chain.Evidence(),
        });
}
