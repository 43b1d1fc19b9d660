using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Text;
using Attestation.Functions.Tests.Telemetry;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// Play Integrity over HTTP: classic tokens made under throwaway keys that only this test's configuration holds, and
/// standard tokens decoded by <see cref="FakePlayIntegrityServer"/> standing in for Google.
/// </summary>
public sealed class PlayIntegrityEndpointTests : IAsyncLifetime, IDisposable
{
    private const string StandardApp = "com.contoso.standard";
    private const string GoogleCalls = "attestation.play_integrity.google_calls";
    private static readonly string SigningDigest = Base64Flexible.ToBase64Url(SHA256.HashData("play integrity test signing certificate"u8));

    private readonly PlayIntegrityTokenFactory _tokens = new();
    private FakePlayIntegrityServer _google = null!;
    private RunningBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _google = await FakePlayIntegrityServer.StartAsync();
        _backend = await RunningBackend.StartAsync(settings:
        [
            // The demo apps' local-only keys are replaced by this run's throwaway keys, and its signing digest allowed.
            $"--Attestation:Secrets:local-only-play-integrity-decryption-key={_tokens.DecryptionKeyBase64}",
            $"--Attestation:Secrets:local-only-play-integrity-verification-key={_tokens.VerificationKeyBase64}",
            $"--Attestation:Apps:0:PlayIntegrity:SigningCertificateDigests:0={SigningDigest}",
            $"--Attestation:Apps:1:PlayIntegrity:SigningCertificateDigests:0={SigningDigest}",

            // An app that sends standard tokens, decoded by the fake Google.
            $"--Attestation:PlayIntegrity:DecodeEndpoint={_google.Endpoint}",
            $"--Attestation:Secrets:test-service-account={_google.ServiceAccountJson()}",
            $"--Attestation:Apps:3:AppId={StandardApp}",
            "--Attestation:Apps:3:Platforms:0=play-integrity",
            $"--Attestation:Apps:3:PlayIntegrity:PackageName={StandardApp}",
            "--Attestation:Apps:3:PlayIntegrity:Mode=standard",
            "--Attestation:Apps:3:PlayIntegrity:ServiceAccountSecretName=test-service-account",
            $"--Attestation:Apps:3:PlayIntegrity:SigningCertificateDigests:0={SigningDigest}",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _google.DisposeAsync();
    }

    public void Dispose() => _tokens.Dispose();

    [Fact]
    public async Task AClassicTokenForTheChallengeGetsATokenThatVerifies()
    {
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, challenge, DateTimeOffset.UtcNow, SigningDigest));

        using var response = await AttestAsync(RunningBackend.DemoApp, challenge, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(32, Base64UrlBytes(body.GetProperty("deviceId").GetString()!).Length);
        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("play-integrity", verified.GetProperty("platform").GetString());
        Assert.Equal(0, _google.DecodeCalls);
    }

    [Fact]
    public async Task EachAttestationOfTheSameDeviceGetsANewRandomDeviceId()
    {
        // docs/api.md: without a deviceKey the verdict names no key to derive an id from, so each attestation gets a fresh
        // random id. Two verdicts that differ only in their challenge must not get the same (or a derived) id.
        var ids = new List<string>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var challenge = await _backend.ChallengeAsync();
            var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, challenge, DateTimeOffset.UtcNow, SigningDigest));
            using var response = await AttestAsync(RunningBackend.DemoApp, challenge, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await RunningBackend.ReadJsonAsync(response)).GetProperty("deviceId").GetString()!);
        }

        Assert.All(ids, id => Assert.Equal(32, Base64UrlBytes(id).Length));
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task AStandardTokenIsDecodedByGoogleOnceAndGetsAToken()
    {
        var challenge = await _backend.ChallengeAsync(StandardApp);
        const string IntegrityToken = "standard.token-issued-by-play-for-this-test";
        _google.Register(IntegrityToken, PlayIntegrityTokenFactory.Verdict(StandardApp, nonce: null, DateTimeOffset.UtcNow, SigningDigest, requestHash: challenge));

        using var response = await AttestAsync(StandardApp, challenge, IntegrityToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verified = await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!);
        Assert.Equal(StandardApp, verified.GetProperty("appId").GetString());
        Assert.Equal(1, _google.DecodeCalls);
        Assert.Equal(StandardApp, _google.LastPackageName);
    }

    [Fact]
    public async Task AVerdictForAnotherSigningCertificateIsAPolicyViolation()
    {
        var challenge = await _backend.ChallengeAsync();
        var otherDigest = Base64Flexible.ToBase64Url(SHA256.HashData("a re-signed copy of the app"u8));
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, challenge, DateTimeOffset.UtcNow, otherDigest));

        using var response = await AttestAsync(RunningBackend.DemoApp, challenge, token);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "policy_violation");
        Assert.Contains("signed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenForAnotherChallengeIsAttestationInvalidAndConsumesTheChallenge()
    {
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, "an-older-challenge", DateTimeOffset.UtcNow, SigningDigest));

        using var refused = await AttestAsync(RunningBackend.DemoApp, challenge, token);
        using var retried = await AttestAsync(RunningBackend.DemoApp, challenge, token);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "attestation_invalid");
        await ProblemAssert.IsProblemAsync(retried, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task AMalformedStandardTokenNeverReachesGoogle()
    {
        var challenge = await _backend.ChallengeAsync(StandardApp);

        using var response = await AttestAsync(StandardApp, challenge, "this is not a token, it has spaces");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "attestation_invalid");
        Assert.Equal(0, _google.DecodeCalls);
    }

    [Fact]
    public async Task AGoogleOutageIsUnavailable()
    {
        var challenge = await _backend.ChallengeAsync(StandardApp);
        _google.Unavailable = true;

        using var response = await AttestAsync(StandardApp, challenge, "standard.token-during-an-outage");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.True(response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task AfterAGoogleOutageTheNextAttestationIsUnavailableWithoutCallingGoogle()
    {
        using var metrics = new MetricsRecorder(_backend);
        _google.Unavailable = true;

        using var failed = await AttestAsync(StandardApp, await _backend.ChallengeAsync(StandardApp), "standard.token-during-an-outage");
        using var refused = await AttestAsync(StandardApp, await _backend.ChallengeAsync(StandardApp), "standard.token-while-the-breaker-is-open");

        await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.ServiceUnavailable, "unavailable");
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(TimeSpan.FromSeconds(30), failed.Headers.RetryAfter?.Delta);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.Equal(1, _google.DecodeCalls);
        Assert.Equal(1, metrics.Sum(GoogleCalls, ("package", StandardApp), ("outcome", "error")));
        Assert.Equal(1, metrics.Sum(GoogleCalls, ("package", StandardApp), ("outcome", "breaker_open")));
    }

    [Fact]
    public async Task APlayIntegrityDeviceCannotRefresh()
    {
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, challenge, DateTimeOffset.UtcNow, SigningDigest));
        using var attested = await AttestAsync(RunningBackend.DemoApp, challenge, token);
        var deviceId = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("deviceId").GetString()!;

        var refreshChallenge = await _backend.ChallengeAsync();
        using var response = await _backend.PostAsync("/api/v1/token/refresh", new { appId = RunningBackend.DemoApp, deviceId, challenge = refreshChallenge, proof = new { } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "refresh_unsupported");
    }

    [Fact]
    public async Task TheDecoyAppAnswersATamperedTokenWithALookalikeToken()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DecoyApp, challenge, DateTimeOffset.UtcNow, SigningDigest));
        var tampered = token[..^3] + (token[^3] == 'A' ? "B" : "A") + token[^2..];
        using var metrics = new MetricsRecorder(_backend);

        using var response = await AttestAsync(RunningBackend.DecoyApp, challenge, tampered);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verified = await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!);
        Assert.False(verified.GetProperty("valid").GetBoolean());
        var hidden = Assert.Single(metrics.Of("attestation.attestations", ("app", RunningBackend.DecoyApp), ("outcome", "decoy")));
        Assert.Equal("attestation_invalid", hidden.Tags["code"]);
    }

    [Fact]
    public async Task AClassicTokenBoundToADeviceKeyAttestsTheKeysDeviceWhichRefreshesBySignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();

        var deviceId = await AttestWithKeyAsync(RunningBackend.DemoApp, spki);
        using var refreshed = await RefreshAsync(RunningBackend.DemoApp, deviceId, challenge => Sign(key, challenge));

        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(spki)), deviceId);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(refreshed);
        Assert.Equal(deviceId, body.GetProperty("deviceId").GetString());
        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("play-integrity", verified.GetProperty("platform").GetString());
        Assert.Equal(deviceId, verified.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task AStandardDeviceWithAKeyCallsGoogleOnceAtAttestAndNeverAtRefresh()
    {
        using var key = RSA.Create(2048);
        var spki = key.ExportSubjectPublicKeyInfo();
        using var metrics = new MetricsRecorder(_backend);

        var deviceId = await AttestWithKeyAsync(StandardApp, spki);
        Assert.Equal(1, _google.DecodeCalls);
        for (var refresh = 0; refresh < 3; refresh++)
        {
            using var refreshed = await RefreshAsync(StandardApp, deviceId, challenge => key.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        Assert.Equal(1, _google.DecodeCalls);
        Assert.Equal(1, metrics.Sum(GoogleCalls, ("package", StandardApp)));
    }

    [Fact]
    public async Task AttestingAgainWithTheSameKeyKeepsTheDeviceAndItsRefreshes()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();

        var first = await AttestWithKeyAsync(RunningBackend.DemoApp, spki);
        var second = await AttestWithKeyAsync(RunningBackend.DemoApp, spki);
        using var refreshed = await RefreshAsync(RunningBackend.DemoApp, second, challenge => Sign(key, challenge));

        Assert.Equal(first, second);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task WithADeviceKeyATokenForTheBareChallengeIsAttestationInvalidAndRegistersNothing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, challenge, DateTimeOffset.UtcNow, SigningDigest));

        using var refused = await AttestAsync(RunningBackend.DemoApp, challenge, token, Convert.ToBase64String(spki));
        using var refresh = await RefreshAsync(RunningBackend.DemoApp, Base64Flexible.ToBase64Url(SHA256.HashData(spki)), c => Sign(key, c));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "attestation_invalid");
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.NotFound, "device_unknown");
    }

    [Fact]
    public async Task AStandardTokenWhoseRequestHashIsOverAnotherKeyIsAttestationInvalid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var challenge = await _backend.ChallengeAsync(StandardApp);
        const string IntegrityToken = "standard.token-bound-to-another-key";
        _google.Register(IntegrityToken, PlayIntegrityTokenFactory.Verdict(
            StandardApp, nonce: null, DateTimeOffset.UtcNow, SigningDigest, requestHash: PlayIntegrityTokenFactory.DeviceKeyBinding(challenge, other.ExportSubjectPublicKeyInfo())));

        using var refused = await AttestAsync(StandardApp, challenge, IntegrityToken, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "attestation_invalid");
    }

    [Theory]
    [InlineData("\"AAAA\"")]
    [InlineData("\"%%% not base64 %%%\"")]
    [InlineData("5")]
    [InlineData("\"P-384\"")]
    [InlineData("\"oversized\"")]
    public async Task AMalformedOrOversizedDeviceKeyIsAnInvalidRequestThatLeavesTheChallenge(string deviceKey)
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        deviceKey = deviceKey switch
        {
            "\"P-384\"" => $"\"{Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())}\"",
            "\"oversized\"" => $"\"{Convert.ToBase64String(new byte[4096])}\"",
            _ => deviceKey,
        };
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, PlayIntegrityTokenFactory.DeviceKeyBinding(challenge, spki), DateTimeOffset.UtcNow, SigningDigest));

        using var refused = await _backend.PostRawAsync("/api/v1/attest",
            $$$"""{"appId": "{{{RunningBackend.DemoApp}}}", "platform": "play-integrity", "challenge": "{{{challenge}}}", "evidence": {"integrityToken": "{{{token}}}", "deviceKey": {{{deviceKey}}}}}""");
        using var accepted = await AttestAsync(RunningBackend.DemoApp, challenge, token, Convert.ToBase64String(spki));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ARefreshSignedByAnotherKeyIsProofInvalid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var deviceId = await AttestWithKeyAsync(RunningBackend.DemoApp, key.ExportSubjectPublicKeyInfo());

        using var refused = await RefreshAsync(RunningBackend.DemoApp, deviceId, challenge => Sign(other, challenge));
        using var overOther = await RefreshAsync(RunningBackend.DemoApp, deviceId, _ => Sign(key, "another challenge"));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "proof_invalid");
        await ProblemAssert.IsProblemAsync(overOther, HttpStatusCode.Unauthorized, "proof_invalid");
    }

    [Fact]
    public async Task ARevokedKeyedDeviceCanNeitherRefreshNorAttestAgain()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var deviceId = await AttestWithKeyAsync(RunningBackend.DemoApp, spki);
        var devices = _backend.Services.GetRequiredService<IDeviceStore>();
        var registration = (await devices.FindAsync(RunningBackend.DemoApp, deviceId))!;
        Assert.True(await devices.TryUpdateAsync(registration with { Status = DeviceStatus.Revoked }));

        using var refresh = await RefreshAsync(RunningBackend.DemoApp, deviceId, challenge => Sign(key, challenge));
        var challenge = await _backend.ChallengeAsync();
        var token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, PlayIntegrityTokenFactory.DeviceKeyBinding(challenge, spki), DateTimeOffset.UtcNow, SigningDigest));
        using var attest = await AttestAsync(RunningBackend.DemoApp, challenge, token, Convert.ToBase64String(spki));

        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Forbidden, "device_revoked");
        await ProblemAssert.IsProblemAsync(attest, HttpStatusCode.Forbidden, "device_revoked");
    }

    [Fact]
    public async Task InDecoyModeARegisteredKeyedDeviceAndAnUnknownOneGetTheSameAnswerToABadSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var deviceId = await AttestWithKeyAsync(RunningBackend.DecoyApp, key.ExportSubjectPublicKeyInfo());
        using var metrics = new MetricsRecorder(_backend);

        using var genuine = await RefreshAsync(RunningBackend.DecoyApp, deviceId, challenge => Sign(key, challenge));
        using var registered = await RefreshAsync(RunningBackend.DecoyApp, deviceId, challenge => Sign(other, challenge));
        using var unknown = await RefreshAsync(RunningBackend.DecoyApp, Base64Flexible.ToBase64Url(SHA256.HashData(other.ExportSubjectPublicKeyInfo())), challenge => Sign(other, challenge));

        var genuineToken = (await RunningBackend.ReadJsonAsync(genuine)).GetProperty("token").GetString()!;
        Assert.True((await _backend.VerifyAsync(genuineToken)).GetProperty("valid").GetBoolean());

        // The plat claim is readable: both decoys name the platform the proof looks like, whatever is registered.
        Assert.Equal("decoy android-key-attestation", await DecoyAnswerAsync(registered));
        Assert.Equal("decoy android-key-attestation", await DecoyAnswerAsync(unknown));
        Assert.Equal(
            ["proof_invalid", "device_unknown"],
            metrics.Of("attestation.refreshes", ("app", RunningBackend.DecoyApp), ("outcome", "decoy")).Select(m => m.Tags["code"]));
    }

    /// <summary>Attests <paramref name="spki"/> with a token bound to it (classic or standard, as the app sends) and returns the device id.</summary>
    private async Task<string> AttestWithKeyAsync(string appId, byte[] spki)
    {
        var challenge = await _backend.ChallengeAsync(appId);
        var binding = PlayIntegrityTokenFactory.DeviceKeyBinding(challenge, spki);
        string token;
        if (appId == StandardApp)
        {
            token = "standard.token-for-" + binding;
            _google.Register(token, PlayIntegrityTokenFactory.Verdict(appId, nonce: null, DateTimeOffset.UtcNow, SigningDigest, requestHash: binding));
        }
        else
        {
            token = _tokens.CreateToken(PlayIntegrityTokenFactory.Verdict(appId, binding, DateTimeOffset.UtcNow, SigningDigest));
        }

        using var response = await AttestAsync(appId, challenge, token, Convert.ToBase64String(spki));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("deviceId").GetString()!;
    }

    private async Task<HttpResponseMessage> RefreshAsync(string appId, string deviceId, Func<string, byte[]> sign)
    {
        var challenge = await _backend.ChallengeAsync(appId);
        return await _backend.PostAsync("/api/v1/token/refresh", new { appId, deviceId, challenge, proof = new { signature = Base64Flexible.ToBase64Url(sign(challenge)) } });
    }

    private async Task<string> DecoyAnswerAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        Assert.Equal("bad_signature", (await _backend.VerifyAsync(token)).GetProperty("reason").GetString());
        using var claims = JsonDocument.Parse(Base64UrlBytes(token.Split('.')[1]));
        return "decoy " + claims.RootElement.GetProperty("plat").GetString();
    }

    private static byte[] Sign(ECDsa key, string challenge) =>
        key.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private Task<HttpResponseMessage> AttestAsync(string appId, string challenge, string integrityToken, string deviceKey) =>
        _backend.PostAsync("/api/v1/attest", new { appId, platform = "play-integrity", challenge, evidence = new { integrityToken, deviceKey } });

    private Task<HttpResponseMessage> AttestAsync(string appId, string challenge, string integrityToken) =>
        _backend.PostAsync("/api/v1/attest", new { appId, platform = "play-integrity", challenge, evidence = new { integrityToken } });

    private static byte[] Base64UrlBytes(string text) => Base64Flexible.TryDecode(text, out var bytes) ? bytes : [];
}
