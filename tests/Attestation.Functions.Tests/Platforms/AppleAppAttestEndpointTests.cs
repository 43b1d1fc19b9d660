using System.Net;
using System.Security.Cryptography;
using System.Text;
using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Attestation.Core.Platforms.Apple.Receipts;
using Attestation.Core.Text;
using Attestation.Functions.Tests.Telemetry;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// App Attest end to end over HTTP. No iPhone can sign a test's challenge, so the evidence comes from a test authority that
/// only this backend's test configuration trusts (Attestation:AppleAppAttest:TestOnlyTrustedRoots).
/// </summary>
public sealed class AppleAppAttestEndpointTests : IAsyncLifetime, IDisposable
{
    private const string ProductionOnlyApp = "com.contoso.production";

    // The demo app's Apple section in local.settings.sample.json.
    private const string DemoAppleAppId = "ABCDE12345.com.contoso.demo";

    private readonly AppAttestTestAuthority _authority = new();
    private readonly CapturingLoggerProvider _logs = new();
    private RunningBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await StartBackendAsync();

    /// <summary>A backend with this class's settings; given a table prefix, another instance on the same tables.</summary>
    private Task<RunningBackend> StartBackendAsync(Action<IServiceCollection>? services = null, string? tablePrefix = null) =>
        RunningBackend.StartAsync(logs: _logs, services: services, tablePrefix: tablePrefix, settings:
        [
            $"--Attestation:AppleAppAttest:TestOnlyTrustedRoots:0={Convert.ToBase64String(_authority.RootCertificate.RawData)}",
            $"--Attestation:Apps:3:AppId={ProductionOnlyApp}",
            "--Attestation:Apps:3:Platforms:0=apple-app-attest",
            "--Attestation:Apps:3:Apple:TeamId=ABCDE12345",
            $"--Attestation:Apps:3:Apple:BundleId={ProductionOnlyApp}",
            "--Attestation:Apps:3:Apple:AllowDevelopment=false",
        ]);

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    public void Dispose()
    {
        _authority.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task ADeviceAttestsThenRefreshesAndAStaleCounterIsRefused()
    {
        using var device = new AppAttestTestDevice();
        var deviceId = Base64Flexible.ToBase64Url(device.KeyId);

        using var attested = await AttestAsync(device);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(attested);
        Assert.Equal(deviceId, body.GetProperty("deviceId").GetString());
        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("apple-app-attest", verified.GetProperty("platform").GetString());

        var registration = (await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, deviceId))!;
        Assert.Equal(device.SubjectPublicKeyInfo, registration.PublicKey);
        Assert.Equal(0, registration.Counter);
        var receipt = AppleReceiptVerifier.Read(registration.Receipt!);
        Assert.Equal(AppleReceiptType.Attest, receipt.Type);
        Assert.Equal(device.SubjectPublicKeyInfo, receipt.AttestedPublicKey);
        Assert.Contains("development", registration.VerdictSummary, StringComparison.Ordinal);

        using var first = await RefreshAsync(device, deviceId, counter: 1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(first)).GetProperty("token").GetString()!)).GetProperty("valid").GetBoolean());

        using var stale = await RefreshAsync(device, deviceId, counter: 1);
        var problem = await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Unauthorized, "proof_invalid", action: "new_challenge");
        Assert.Contains("not greater than", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var next = await RefreshAsync(device, deviceId, counter: 2);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, (await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, deviceId))!.Counter);
    }

    [Fact]
    public async Task OfFourRefreshesWithTheSameCounterThatAllReadTheDeviceFirstExactlyOneGetsAToken()
    {
        // Another instance on the same tables, whose storage client holds each refresh's read of the device until all four
        // have read it: every refresh then passes the counter check against the same stored counter, and only the
        // conditional write on the row's version can let just one of them through.
        const int parties = 4;
        using var device = new AppAttestTestDevice();
        var deviceId = Base64Flexible.ToBase64Url(device.KeyId);
        (await AttestAsync(device)).Dispose();
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.DevicesTable, global::Azure.Core.RequestMethod.Get));
        await using var instance = await StartBackendAsync(s => s.AddSingleton(RunningBackend.StorageOptionsWith(held)), _backend.TablePrefix);
        var challenges = await Task.WhenAll(Enumerable.Range(0, parties).Select(_ => _backend.ChallengeAsync()));

        var responses = await Task.WhenAll(challenges.Select(c => RefreshAsync(device, deviceId, counter: 1, challenge: c, backend: instance)));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "proof_invalid", action: "new_challenge");
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Equal(1, (await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, deviceId))!.Counter);
    }

    [Fact]
    public async Task AKeyIdAlreadyRegisteredIsRefusedNotOverwritten()
    {
        using var device = new AppAttestTestDevice();
        (await AttestAsync(device)).Dispose();
        var before = await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, Base64Flexible.ToBase64Url(device.KeyId));

        using var again = await AttestAsync(device);

        var problem = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Unauthorized, "attestation_invalid", action: "new_key");
        Assert.Contains("already registered", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DemoApp, Base64Flexible.ToBase64Url(device.KeyId));
        Assert.Equal(before!.ConcurrencyStamp, after!.ConcurrencyStamp);
    }

    [Fact]
    public async Task ARevokedDeviceIsRefusedAtRefreshAndCannotRegisterAgain()
    {
        using var device = new AppAttestTestDevice();
        var deviceId = Base64Flexible.ToBase64Url(device.KeyId);
        (await AttestAsync(device)).Dispose();
        var devices = _backend.Services.GetRequiredService<IDeviceStore>();
        Assert.True(await devices.TryUpdateAsync((await devices.FindAsync(RunningBackend.DemoApp, deviceId))! with { Status = DeviceStatus.Revoked }));

        using var refresh = await RefreshAsync(device, deviceId, counter: 1);
        using var attest = await AttestAsync(device);

        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Forbidden, "device_revoked");
        await ProblemAssert.IsProblemAsync(attest, HttpStatusCode.Forbidden, "device_revoked");
    }

    [Fact]
    public async Task AnAssertionOverAnotherChallengeIsProofInvalid()
    {
        using var device = new AppAttestTestDevice();
        var deviceId = Base64Flexible.ToBase64Url(device.KeyId);
        (await AttestAsync(device)).Dispose();
        var challenge = await _backend.ChallengeAsync();
        var assertion = AppAttestTestAuthority.Assert(device, DemoAppleAppId, SHA256.HashData("another challenge"u8), 1);

        using var response = await _backend.PostAsync("/api/v1/token/refresh", new { appId = RunningBackend.DemoApp, deviceId, challenge, proof = new { assertion = Convert.ToBase64String(assertion) } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "proof_invalid");
    }

    [Fact]
    public async Task AnAttestationForAnotherChallengeIsAttestationInvalid()
    {
        using var device = new AppAttestTestDevice();
        var challenge = await _backend.ChallengeAsync();
        var attestation = _authority.Attest(device, new AttestationShape(DemoAppleAppId, SHA256.HashData("another challenge"u8), DateTimeOffset.UtcNow));

        using var response = await PostAttestAsync(RunningBackend.DemoApp, challenge, device.KeyId, attestation);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "attestation_invalid");
        Assert.Contains("nonce", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADevelopmentKeyIsAPolicyViolationForAnAppThatAllowsOnlyProduction()
    {
        using var device = new AppAttestTestDevice();

        using var development = await AttestAsync(device, ProductionOnlyApp, $"ABCDE12345.{ProductionOnlyApp}");
        using var production = await AttestAsync(device, ProductionOnlyApp, $"ABCDE12345.{ProductionOnlyApp}", AppAttestTestAuthority.ProductionAaguid);

        var problem = await ProblemAssert.IsProblemAsync(development, HttpStatusCode.Forbidden, "policy_violation");
        Assert.Contains("development environment", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, production.StatusCode);
    }

    [Fact]
    public async Task AKeyOfAnotherAppIsAPolicyViolationHiddenByADecoyToken()
    {
        using var device = new AppAttestTestDevice();
        using var metrics = new MetricsRecorder(_backend);

        using var response = await AttestAsync(device, RunningBackend.DecoyApp, DemoAppleAppId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(Base64Flexible.ToBase64Url(device.KeyId), body.GetProperty("deviceId").GetString());
        Assert.Equal("bad_signature", (await _backend.VerifyAsync(body.GetProperty("token").GetString()!)).GetProperty("reason").GetString());
        Assert.Contains("another App ID", _logs.AllText, StringComparison.Ordinal);
        var hidden = Assert.Single(metrics.Of("attestation.attestations", ("app", RunningBackend.DecoyApp), ("outcome", "decoy")));
        Assert.Equal("policy_violation", hidden.Tags["code"]);
        Assert.Null(await _backend.Services.GetRequiredService<IDeviceStore>().FindAsync(RunningBackend.DecoyApp, Base64Flexible.ToBase64Url(device.KeyId)));
    }

    [Theory]
    [InlineData("""{"keyId":"AAAA","attestationObject":"o2NmbXQ"}""")]
    [InlineData("""{"keyId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","attestationObject":"not base64!"}""")]
    [InlineData("""{"attestationObject":"o2NmbXQ"}""")]
    [InlineData("""{"keyId":5,"attestationObject":"o2NmbXQ"}""")]
    public async Task EvidenceOfTheWrongShapeIsAnInvalidRequestAndLeavesTheChallengeUnused(string evidence)
    {
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.PostRawAsync("/api/v1/attest",
            $$$"""{"appId":"com.contoso.demo","platform":"apple-app-attest","challenge":"{{{challenge}}}","evidence":{{{evidence}}}}""");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        using var device = new AppAttestTestDevice();
        using var attested = await AttestAsync(device, challenge: challenge);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
    }

    [Fact]
    public async Task TheTestOnlyRootIsLoggedLoudlyAtStart()
    {
        // Resolving the verifiers happens at start (policy validation), so the warning is already there.
        using var response = await _backend.Client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Contains("TEST-ONLY App Attest root", _logs.AllText, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> AttestAsync(AppAttestTestDevice device, string appId = RunningBackend.DemoApp, string appleAppId = DemoAppleAppId, byte[]? aaguid = null, string? challenge = null)
    {
        challenge ??= await _backend.ChallengeAsync(appId);
        var shape = new AttestationShape(appleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), DateTimeOffset.UtcNow) { Aaguid = aaguid ?? AppAttestTestAuthority.DevelopmentAaguid };
        return await PostAttestAsync(appId, challenge, device.KeyId, _authority.Attest(device, shape));
    }

    private Task<HttpResponseMessage> PostAttestAsync(string appId, string challenge, byte[] keyId, byte[] attestationObject) =>
        _backend.PostAsync("/api/v1/attest", new
        {
            appId,
            platform = "apple-app-attest",
            challenge,
            evidence = new { keyId = Convert.ToBase64String(keyId), attestationObject = Convert.ToBase64String(attestationObject) },
        });

    private async Task<HttpResponseMessage> RefreshAsync(AppAttestTestDevice device, string deviceId, uint counter, string? challenge = null, RunningBackend? backend = null)
    {
        challenge ??= await _backend.ChallengeAsync();
        var assertion = AppAttestTestAuthority.Assert(device, DemoAppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), counter);
        return await (backend ?? _backend).PostAsync("/api/v1/token/refresh", new { appId = RunningBackend.DemoApp, deviceId, challenge, proof = new { assertion = Convert.ToBase64String(assertion) } });
    }
}
