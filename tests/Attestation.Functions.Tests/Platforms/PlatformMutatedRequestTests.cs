using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// Mutated requests (<see cref="JsonBodyMutator"/>, fixed seeds) whose unmutated form succeeds: App Attest and Android
/// attestations from test authorities this backend trusts, and refreshes of devices it registered, so that mutations reach
/// every reader behind them (the attestation object's CBOR, the chain's DER, the assertion, the proof signature). Whatever
/// the mutation, the answer is a contract status and, for an error, one of the route's documented codes; never a 500.
/// </summary>
public sealed class PlatformMutatedRequestTests : IAsyncLifetime, IDisposable
{
    private const string AppleAppId = "ABCDE12345.com.contoso.demo";
    private const int Cases = 60;

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _appleDevice = new();
    private readonly ECDsa _androidRoot = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private AndroidTestChain _androidDevice = null!;
    private RunningBackend _backend = null!;
    private uint _counter;

    public async Task InitializeAsync()
    {
        _backend = await RunningBackend.StartAsync(settings:
        [
            $"--Attestation:AppleAppAttest:TestOnlyTrustedRoots:0={Convert.ToBase64String(_authority.RootCertificate.RawData)}",
            $"--Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0={Convert.ToBase64String(_androidRoot.ExportSubjectPublicKeyInfo())}",
            $"--Attestation:AndroidKey:StatusListFile={AndroidVectors.StatusListSamplePath}",
        ]);
        _androidDevice = new AndroidTestChain(_androidRoot);

        // Register one device of each platform, so that refreshes get past the device lookup to their proofs.
        using var apple = await _backend.PostAsync("/api/v1/attest", await AppleAttestBodyAsync(_appleDevice));
        Assert.Equal(HttpStatusCode.OK, apple.StatusCode);
        using var android = await _backend.PostAsync("/api/v1/attest", await AndroidAttestBodyAsync(_androidDevice));
        Assert.Equal(HttpStatusCode.OK, android.StatusCode);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    public void Dispose()
    {
        _authority.Dispose();
        _appleDevice.Dispose();
        _androidRoot.Dispose();
    }

    [Theory]
    [InlineData("/api/v1/attest", "apple-app-attest", 11)]
    [InlineData("/api/v1/attest", "android-key-attestation", 12)]
    [InlineData("/api/v1/token/refresh", "apple-app-attest", 13)]
    [InlineData("/api/v1/token/refresh", "android-key-attestation", 14)]
    public async Task NoMutatedPlatformRequestEndsInAServerErrorOrAnUndocumentedCode(string route, string platform, int seed)
    {
        var random = new Random(seed);
        using var unmutated = await _backend.PostAsync(route, await BodyAsync(route, platform));
        Assert.Equal(HttpStatusCode.OK, unmutated.StatusCode);

        await FuzzBound.RunAsync(
            Cases,
            async i =>
            {
                var body = JsonBodyMutator.Mutate(await BodyAsync(route, platform), random);

                using var response = await _backend.Client.PostAsync(route, new ByteArrayContent(body));

                var text = await response.Content.ReadAsStringAsync();
                var shown = $"seed {seed} #{i} {(int)response.StatusCode}: {text}";
                Assert.True(MutatedRequestTests.ContractStatuses.Contains(response.StatusCode), shown);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.True(MutatedRequestTests.DocumentedCodes[route].Contains(JsonNode.Parse(text)?["code"]?.GetValue<string>()), shown);
                }
            },
            $"{route} {platform} seed {seed}");
    }

    private async Task<JsonObject> BodyAsync(string route, string platform) => (route, platform) switch
    {
        ("/api/v1/attest", "apple-app-attest") => await AppleAttestBodyAsync(new AppAttestTestDevice()),
        ("/api/v1/attest", _) => await AndroidAttestBodyAsync(new AndroidTestChain(_androidRoot)),
        (_, "apple-app-attest") => await AppleRefreshBodyAsync(),
        _ => await AndroidRefreshBodyAsync(),
    };

    private async Task<JsonObject> AppleAttestBodyAsync(AppAttestTestDevice device)
    {
        var challenge = await _backend.ChallengeAsync();
        var shape = new AttestationShape(AppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), DateTimeOffset.UtcNow) { Aaguid = AppAttestTestAuthority.DevelopmentAaguid };
        return new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["platform"] = "apple-app-attest",
            ["challenge"] = challenge,
            ["evidence"] = new JsonObject
            {
                ["keyId"] = Convert.ToBase64String(device.KeyId),
                ["attestationObject"] = Convert.ToBase64String(_authority.Attest(device, shape)),
            },
        };
    }

    private async Task<JsonObject> AndroidAttestBodyAsync(AndroidTestChain device)
    {
        var challenge = await _backend.ChallengeAsync();
        device.Challenge = Encoding.UTF8.GetBytes(challenge);
        return new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["platform"] = "android-key-attestation",
            ["challenge"] = challenge,
            ["evidence"] = new JsonObject { ["certificateChain"] = new JsonArray([.. device.Build().Select(c => (JsonNode)Convert.ToBase64String(c))]) },
        };
    }

    private async Task<JsonObject> AppleRefreshBodyAsync()
    {
        var challenge = await _backend.ChallengeAsync();

        // Each assertion counts up, as a device's do, so the unmutated request would be accepted.
        var assertion = AppAttestTestAuthority.Assert(_appleDevice, AppleAppId, SHA256.HashData(Encoding.UTF8.GetBytes(challenge)), Interlocked.Increment(ref _counter));
        return new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["deviceId"] = Base64Flexible.ToBase64Url(_appleDevice.KeyId),
            ["challenge"] = challenge,
            ["proof"] = new JsonObject { ["assertion"] = Convert.ToBase64String(assertion) },
        };
    }

    private async Task<JsonObject> AndroidRefreshBodyAsync()
    {
        var challenge = await _backend.ChallengeAsync();
        var signature = _androidDevice.LeafKey.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["deviceId"] = Base64Flexible.ToBase64Url(SHA256.HashData(_androidDevice.LeafPublicKey)),
            ["challenge"] = challenge,
            ["proof"] = new JsonObject { ["signature"] = Convert.ToBase64String(signature) },
        };
    }
}
