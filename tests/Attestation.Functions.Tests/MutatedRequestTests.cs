using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

/// <summary>
/// Property: whatever a client sends, the backend answers with a contract status and, for every error, problem+json with
/// one of the codes docs/api.md gives the route; never a 500. Bodies are requests of every platform mutated by
/// <see cref="JsonBodyMutator"/> (seeded, so a failure reproduces), each case within <see cref="FuzzBound.PerCase"/>.
/// Refresh proofs of registered App Attest and Android devices are in <see cref="Platforms.PlatformMutatedRequestTests"/>.
/// </summary>
public class MutatedRequestTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    internal static readonly HttpStatusCode[] ContractStatuses =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden,
        HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge,
    ];

    private static readonly AppleAttestationCase AppleAttestation = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json").Attestation!;
    private static readonly IReadOnlyList<byte[]> AndroidChain = AndroidVectors.Load("android-key-pixel8a-sdk34-tee-ec").Chain;

    // A well-formed classic token under throwaway keys the backend does not hold.
    private static readonly Lazy<string> PlayIntegrityToken = new(() =>
    {
        using var factory = new PlayIntegrityTokenFactory();
        return factory.CreateToken(PlayIntegrityTokenFactory.Verdict(RunningBackend.DemoApp, "challenge", DateTimeOffset.UtcNow, new string('A', 43)));
    });

    // docs/api.md: the codes each route may answer (503 unavailable aside: storage stays up here).
    internal static readonly Dictionary<string, string[]> DocumentedCodes = new()
    {
        ["/api/v1/challenge"] = ["invalid_request", "app_unknown"],
        ["/api/v1/attest"] = ["invalid_request", "app_unknown", "challenge_invalid", "attestation_invalid", "policy_violation", "device_revoked"],
        ["/api/v1/token/refresh"] =
        [
            "invalid_request", "app_unknown", "challenge_invalid", "attestation_invalid", "policy_violation", "device_revoked",
            "device_unknown", "proof_invalid", "refresh_unsupported", "attestation_required",
        ],
        ["/api/v1/verify"] = ["invalid_request"],
    };

    private readonly RunningBackend _backend = fixture.Backend;
    private string? _issuedToken;

    [Theory]
    [InlineData("/api/v1/challenge", "", 1, 120)]
    [InlineData("/api/v1/attest", "debug", 2, 120)]
    [InlineData("/api/v1/token/refresh", "debug", 3, 120)]
    [InlineData("/api/v1/verify", "", 4, 120)]
    [InlineData("/api/v1/attest", "apple-app-attest", 5, 80)]
    [InlineData("/api/v1/attest", "android-key-attestation", 6, 80)]
    [InlineData("/api/v1/attest", "play-integrity", 7, 80)]
    public async Task NoMutatedBodyEndsInAServerErrorOrAnUndocumentedCode(string route, string platform, int seed, int cases)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            cases,
            async i =>
            {
                var body = JsonBodyMutator.Mutate(await ValidBodyAsync(route, platform), random);

                using var response = await _backend.Client.PostAsync(route, new ByteArrayContent(body));

                var text = await response.Content.ReadAsStringAsync();
                var shown = $"seed {seed} #{i} {(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}: {text}";
                Assert.True(ContractStatuses.Contains(response.StatusCode), shown);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.True(DocumentedCodes[route].Contains(JsonNode.Parse(text)?["code"]?.GetValue<string>()), shown);
                }
            },
            $"{route} {platform} seed {seed}");
    }

    // Evidence and proofs of every platform, real or well-formed, so that mutations reach each platform's readers; they
    // are not expected to verify (a vector's challenge is not this backend's).
    private async Task<JsonObject> ValidBodyAsync(string route, string platform) => (route, platform) switch
    {
        ("/api/v1/challenge", _) => new JsonObject { ["appId"] = RunningBackend.DemoApp },
        ("/api/v1/attest", _) => new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["platform"] = platform,
            ["challenge"] = await _backend.ChallengeAsync(),
            ["binding"] = Attestation.Core.Text.Base64Flexible.Sha256Base64Url("binding"),
            ["evidence"] = platform switch
            {
                "apple-app-attest" => new JsonObject
                {
                    ["keyId"] = Convert.ToBase64String(AppleAttestation.KeyId),
                    ["attestationObject"] = Convert.ToBase64String(AppleAttestation.AttestationObject),
                },
                "android-key-attestation" => new JsonObject { ["certificateChain"] = new JsonArray([.. AndroidChain.Select(c => (JsonNode)Convert.ToBase64String(c))]) },
                "play-integrity" => new JsonObject { ["integrityToken"] = PlayIntegrityToken.Value },
                _ => new JsonObject { ["debugToken"] = RunningBackend.DebugToken },
            },
        },
        ("/api/v1/token/refresh", _) => new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["deviceId"] = Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken),
            ["challenge"] = await _backend.ChallengeAsync(),
            ["proof"] = new JsonObject { ["debugToken"] = RunningBackend.DebugToken },
        },
        // A token this backend issued, so that mutations of its text reach the token validator past the shape checks.
        _ => new JsonObject { ["token"] = await IssuedTokenAsync(), ["consume"] = true, ["binding"] = "x", ["appId"] = RunningBackend.DemoApp, ["platforms"] = new JsonArray("debug") },
    };

    private async Task<string> IssuedTokenAsync()
    {
        if (_issuedToken is null)
        {
            using var attested = await _backend.AttestDebugAsync();
            _issuedToken = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;
        }

        return _issuedToken;
    }
}
