using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Platforms.Android;
using Attestation.Functions.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.OpenApi;

/// <summary>
/// One real flow against the local host: the operation of docs/openapi.yaml it exercises ("METHOD /path" under
/// <c>/api</c>), the status it must get, and how to send it. The response is checked against what the document says
/// that operation answers with that status; a successful request is checked against the operation's request schema too.
/// </summary>
internal sealed record ContractFlow(string Name, string Operation, int Status, Func<ContractFixture, Task<Exchange>> Run)
{
    public override string ToString() => Name;
}

/// <summary>
/// The flows, one entry each. A route added to the backend gets its entries here (and its operation in the document);
/// <see cref="OpenApiDocumentTests"/> fails while a documented operation has none.
/// </summary>
internal static class ContractFlows
{
    private const string Demo = RunningBackend.DemoApp;
    private const string Decoy = RunningBackend.DecoyApp;

    public static IReadOnlyList<ContractFlow> All { get; } =
    [
        // Devices: challenge.
        new("challenge", "POST /v1/challenge", 200, f => Post(f, "/api/v1/challenge", new { appId = Demo })),
        new("challenge without appId", "POST /v1/challenge", 400, f => Post(f, "/api/v1/challenge", new { })),
        new("challenge of an unknown app", "POST /v1/challenge", 404, f => Post(f, "/api/v1/challenge", new { appId = "com.contoso.unknown" })),
        new("challenge over 64 KiB", "POST /v1/challenge", 413, f => Post(f, "/api/v1/challenge", new { appId = new string('a', 70_000) })),

        // Devices: attest.
        new("attest debug, bound", "POST /v1/attest", 200, async f =>
            await Post(f, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge = await f.Backend.ChallengeAsync(), binding = Binding("session"), evidence = new { debugToken = RunningBackend.DebugToken } })),
        new("attest a decoy app with a wrong debug token", "POST /v1/attest", 200, async f =>
            await Post(f, "/api/v1/attest", new { appId = Decoy, platform = "debug", challenge = await f.Backend.ChallengeAsync(Decoy), evidence = new { debugToken = "not-registered" } })),
        new("attest with an unknown platform", "POST /v1/attest", 400, async f =>
            await Post(f, "/api/v1/attest", new { appId = Demo, platform = "windows-hello", challenge = await f.Backend.ChallengeAsync(), evidence = new { } })),
        new("attest with a used challenge", "POST /v1/attest", 401, async f =>
        {
            var challenge = await f.Backend.ChallengeAsync();
            using (var first = await f.Backend.AttestDebugAsync(challenge: challenge))
            {
                first.EnsureSuccessStatusCode();
            }

            return await Post(f, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge, evidence = new { debugToken = RunningBackend.DebugToken } });
        }),
        new("attest with an unregistered debug token", "POST /v1/attest", 401, async f =>
            await Post(f, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge = await f.Backend.ChallengeAsync(), evidence = new { debugToken = "not-registered" } })),
        new("attest on a platform the app does not enable", "POST /v1/attest", 403, async f =>
            await Post(f, "/api/v1/attest", new { appId = RunningBackend.AppleOnlyApp, platform = "debug", challenge = await f.Backend.ChallengeAsync(RunningBackend.AppleOnlyApp), evidence = new { debugToken = RunningBackend.DebugToken } })),
        new("attest a revoked device", "POST /v1/attest", 403, async f =>
        {
            var device = await f.NewDeviceAsync();
            using (var revoked = (await f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{device.DeviceId}/revoke")).Response)
            {
                revoked.EnsureSuccessStatusCode();
            }

            return await Post(f, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge = await f.Backend.ChallengeAsync(), evidence = new { debugToken = device.DebugToken } });
        }),
        new("attest an unknown app", "POST /v1/attest", 404, async f =>
            await Post(f, "/api/v1/attest", new { appId = "com.contoso.unknown", platform = "debug", challenge = await f.Backend.ChallengeAsync(), evidence = new { debugToken = RunningBackend.DebugToken } })),
        new("attest over 64 KiB", "POST /v1/attest", 413, f => Post(f, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge = "x", evidence = new { debugToken = new string('a', 70_000) } })),
        new("attest while storage is down", "POST /v1/attest", 503, async f =>
        {
            var backend = await f.OutageBackendAsync();
            return await ContractFixture.SendAsync(backend.Client, HttpMethod.Post, "/api/v1/attest", new { appId = Demo, platform = "debug", challenge = "x", evidence = new { debugToken = RunningBackend.DebugToken } });
        }),

        // Devices: refresh.
        new("refresh a debug device", "POST /v1/token/refresh", 200, async f =>
        {
            var device = await f.NewDeviceAsync();
            return await Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = device.DeviceId, challenge = await f.Backend.ChallengeAsync(), binding = Binding("session"), proof = new { debugToken = device.DebugToken } });
        }),
        new("refresh an unknown device of a decoy app", "POST /v1/token/refresh", 200, async f =>
            await Post(f, "/api/v1/token/refresh", new { appId = Decoy, deviceId = Binding("never attested"), challenge = await f.Backend.ChallengeAsync(Decoy), proof = new { debugToken = "not-registered" } })),
        new("refresh with a number for a device id", "POST /v1/token/refresh", 400, async f =>
            await Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = 42, challenge = await f.Backend.ChallengeAsync(), proof = new { debugToken = RunningBackend.DebugToken } })),
        new("refresh with a wrong debug token", "POST /v1/token/refresh", 401, async f =>
        {
            var device = await f.NewDeviceAsync();
            return await Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = device.DeviceId, challenge = await f.Backend.ChallengeAsync(), proof = new { debugToken = RunningBackend.DebugToken } });
        }),
        new("refresh a revoked device", "POST /v1/token/refresh", 403, async f =>
        {
            var device = await f.NewDeviceAsync();
            using (var revoked = (await f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{device.DeviceId}/revoke")).Response)
            {
                revoked.EnsureSuccessStatusCode();
            }

            return await Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = device.DeviceId, challenge = await f.Backend.ChallengeAsync(), proof = new { debugToken = device.DebugToken } });
        }),
        new("refresh an unknown device", "POST /v1/token/refresh", 404, async f =>
            await Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = Binding("never attested"), challenge = await f.Backend.ChallengeAsync(), proof = new { debugToken = RunningBackend.DebugToken } })),
        new("refresh over 64 KiB", "POST /v1/token/refresh", 413, f => Post(f, "/api/v1/token/refresh", new { appId = Demo, deviceId = "x", challenge = "x", proof = new { debugToken = new string('a', 70_000) } })),

        // APIs: verify, valid and each reason a real flow reaches.
        new("verify a valid token", "POST /v1/verify", 200, async f =>
            await Post(f, "/api/v1/verify", new { token = (await f.NewDeviceAsync()).Token, appId = Demo, platforms = new[] { "debug" } })),
        new("verify a malformed token", "POST /v1/verify", 200, f => Post(f, "/api/v1/verify", new { token = "a.b.c" })),
        new("verify a decoy token", "POST /v1/verify", 200, async f =>
        {
            using var decoy = await f.Backend.AttestDebugAsync(Decoy, "not-registered");
            var token = (await RunningBackend.ReadJsonAsync(decoy)).GetProperty("token").GetString()!;
            return await Post(f, "/api/v1/verify", new { token });
        }),
        new("verify a token of another app", "POST /v1/verify", 200, async f =>
            await Post(f, "/api/v1/verify", new { token = (await f.NewDeviceAsync()).Token, appId = Decoy })),
        new("verify a token with another binding", "POST /v1/verify", 200, async f =>
            await Post(f, "/api/v1/verify", new { token = (await f.NewDeviceAsync()).Token, binding = "Bearer someone-else" })),
        new("verify a consumed token", "POST /v1/verify", 200, async f =>
        {
            var token = (await f.NewDeviceAsync()).Token;
            Assert.True((await f.Backend.VerifyAsync(token, consume: true)).GetProperty("valid").GetBoolean());
            return await Post(f, "/api/v1/verify", new { token, consume = true });
        }),
        new("verify with a token by an Entra ID caller", "POST /v1/verify", 200, async f =>
            await f.AsAsync(f.EntraId.Token(CallerAuthorization.VerifyRole), HttpMethod.Post, "/api/v1/verify", new { token = (await f.NewDeviceAsync()).Token })),
        new("verify with empty platforms", "POST /v1/verify", 400, f => Post(f, "/api/v1/verify", new { token = "a.b.c", platforms = Array.Empty<string>() })),
        new("verify with a wrong key", "POST /v1/verify", 401, f =>
            ContractFixture.SendAsync(f.Backend.Anonymous, HttpMethod.Post, "/api/v1/verify", new { token = "a.b.c" }, r => r.Headers.Add(CallerAuthorization.KeyHeader, "wrong-key"))),
        new("verify by a token without the verify role", "POST /v1/verify", 403, f =>
            f.AsAsync(f.EntraId.AdminToken(), HttpMethod.Post, "/api/v1/verify", new { token = "a.b.c" })),
        new("verify over 64 KiB", "POST /v1/verify", 413, f => Post(f, "/api/v1/verify", new { token = new string('a', 70_000) })),
        new("consuming verify while storage is down", "POST /v1/verify", 503, async f =>
        {
            var backend = await f.OutageBackendAsync();
            var token = (await f.NewDeviceAsync()).Token;

            // The outage backend shares the signing key (the sample's), so the token verifies there until it must be consumed.
            return await ContractFixture.SendAsync(backend.Client, HttpMethod.Post, "/api/v1/verify", new { token, consume = true });
        }),

        // Platform: the well-known routes, served in ES256 mode only.
        new("openid-configuration in ES256 mode", "GET /.well-known/openid-configuration", 200, async f =>
            await ContractFixture.SendAsync((await f.Es256BackendAsync()).Anonymous, HttpMethod.Get, "/api/.well-known/openid-configuration")),
        new("jwks in ES256 mode", "GET /.well-known/jwks.json", 200, async f =>
            await ContractFixture.SendAsync((await f.Es256BackendAsync()).Anonymous, HttpMethod.Get, "/api/.well-known/jwks.json")),
        new("openid-configuration in HS256 mode", "GET /.well-known/openid-configuration", 404, f =>
            ContractFixture.SendAsync(f.Backend.Anonymous, HttpMethod.Get, "/api/.well-known/openid-configuration")),
        new("jwks in HS256 mode", "GET /.well-known/jwks.json", 404, f =>
            ContractFixture.SendAsync(f.Backend.Anonymous, HttpMethod.Get, "/api/.well-known/jwks.json")),

        // Platform: health.
        new("health", "GET /health", 200, f => ContractFixture.SendAsync(f.Backend.Anonymous, HttpMethod.Get, "/api/health")),
        new("health while storage is down", "GET /health", 503, async f =>
            await ContractFixture.SendAsync((await f.OutageBackendAsync()).Anonymous, HttpMethod.Get, "/api/health")),

        // Admin: apps.
        new("list apps", "GET /v1/admin/apps", 200, f => f.AdminAsync(HttpMethod.Get, "/api/v1/admin/apps")),
        new("list apps without a token", "GET /v1/admin/apps", 401, f => f.AsAsync(null, HttpMethod.Get, "/api/v1/admin/apps")),
        new("list apps without the admin role", "GET /v1/admin/apps", 403, f => f.AsAsync(f.EntraId.Token(CallerAuthorization.VerifyRole), HttpMethod.Get, "/api/v1/admin/apps")),
        new("create an app", "POST /v1/admin/apps", 201, f => f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", NewApp())),
        new("create an app with an unknown field", "POST /v1/admin/apps", 400, f => f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", new { appId = NewAppId(), platforms = new[] { "apple-app-attest" }, colour = "blue" })),
        new("create a debug app without debug access", "POST /v1/admin/apps", 403, f =>
            f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", new { appId = NewAppId(), platforms = new[] { "debug" }, debugTokenSha256 = new[] { Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RunningBackend.DebugToken))) } })),
        new("create an app that exists", "POST /v1/admin/apps", 409, async f =>
        {
            var app = NewApp();
            using (var first = (await f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", app)).Response)
            {
                first.EnsureSuccessStatusCode();
            }

            return await f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", app);
        }),
        new("create an app over 64 KiB", "POST /v1/admin/apps", 413, f => f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", new { appId = new string('a', 70_000) })),
        new("get an app", "GET /v1/admin/apps/{appId}", 200, f => f.AdminAsync(HttpMethod.Get, $"/api/v1/admin/apps/{Demo}")),
        new("get an unknown app", "GET /v1/admin/apps/{appId}", 404, f => f.AdminAsync(HttpMethod.Get, "/api/v1/admin/apps/com.contoso.unknown")),
        new("replace an app at its version", "PUT /v1/admin/apps/{appId}", 200, async f =>
        {
            var (app, etag) = await CreateAppAsync(f);
            return await f.AdminAsync(HttpMethod.Put, $"/api/v1/admin/apps/{app.AppId}", app with { FailureMode = "decoy" }, r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        }),
        new("replace an app with a bad section", "PUT /v1/admin/apps/{appId}", 400, async f =>
        {
            var (app, _) = await CreateAppAsync(f);
            return await f.AdminAsync(HttpMethod.Put, $"/api/v1/admin/apps/{app.AppId}", app with { FailureMode = "sometimes" });
        }),
        new("replace an unknown app", "PUT /v1/admin/apps/{appId}", 404, f =>
        {
            var app = NewApp();
            return f.AdminAsync(HttpMethod.Put, $"/api/v1/admin/apps/{app.AppId}", app);
        }),
        new("replace an app at an old version", "PUT /v1/admin/apps/{appId}", 409, async f =>
        {
            var (app, etag) = await CreateAppAsync(f);
            using (var changed = (await f.AdminAsync(HttpMethod.Put, $"/api/v1/admin/apps/{app.AppId}", app with { FailureMode = "decoy" })).Response)
            {
                changed.EnsureSuccessStatusCode();
            }

            return await f.AdminAsync(HttpMethod.Put, $"/api/v1/admin/apps/{app.AppId}", app, r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        }),

        // Admin: devices.
        new("list an app's devices", "GET /v1/admin/apps/{appId}/devices", 200, async f =>
        {
            await f.NewDeviceAsync();
            await f.NewDeviceAsync();
            return await f.AdminAsync(HttpMethod.Get, $"/api/v1/admin/apps/{Demo}/devices?pageSize=1");
        }),
        new("list devices with a bad page size", "GET /v1/admin/apps/{appId}/devices", 400, f => f.AdminAsync(HttpMethod.Get, $"/api/v1/admin/apps/{Demo}/devices?pageSize=0")),
        new("list an unknown app's devices", "GET /v1/admin/apps/{appId}/devices", 404, f => f.AdminAsync(HttpMethod.Get, "/api/v1/admin/apps/com.contoso.unknown/devices")),
        new("get a device's registrations", "GET /v1/admin/devices/{deviceId}", 200, async f =>
            await f.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{(await f.NewDeviceAsync()).DeviceId}")),
        new("get an unknown device", "GET /v1/admin/devices/{deviceId}", 404, f => f.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{Binding("never attested")}")),
        new("revoke a device", "POST /v1/admin/apps/{appId}/devices/{deviceId}/revoke", 200, async f =>
            await f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{(await f.NewDeviceAsync()).DeviceId}/revoke")),
        new("revoke an unknown device", "POST /v1/admin/apps/{appId}/devices/{deviceId}/revoke", 404, f =>
            f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{Binding("never attested")}/revoke")),
        new("restore a device", "POST /v1/admin/apps/{appId}/devices/{deviceId}/restore", 200, async f =>
        {
            var device = await f.NewDeviceAsync();
            using (var revoked = (await f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{device.DeviceId}/revoke")).Response)
            {
                revoked.EnsureSuccessStatusCode();
            }

            return await f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/devices/{device.DeviceId}/restore");
        }),
        new("restore a device of an unknown app", "POST /v1/admin/apps/{appId}/devices/{deviceId}/restore", 404, f =>
            f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/com.contoso.unknown/devices/{Binding("x")}/restore")),

        // Admin: batch certificates.
        new("list batch certificates", "GET /v1/admin/batch-certificates", 200, async f =>
        {
            var store = f.Backend.Services.GetRequiredService<IAndroidBatchCertificateStore>();
            var certificate = new AndroidBatchCertificate(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("contract"))), "CN=Contract Batch, O=TEE");
            await store.CountKeyAsync(certificate, Binding("contract key 1"), DateTimeOffset.UtcNow);
            await store.CountKeyAsync(certificate, Binding("contract key 2"), DateTimeOffset.UtcNow);
            return await f.AdminAsync(HttpMethod.Get, "/api/v1/admin/batch-certificates?minDevices=2&pageSize=1");
        }),
        new("list batch certificates with a bad minimum", "GET /v1/admin/batch-certificates", 400, f => f.AdminAsync(HttpMethod.Get, "/api/v1/admin/batch-certificates?minDevices=0")),
        new("list batch certificates without a token", "GET /v1/admin/batch-certificates", 401, f => f.AsAsync(null, HttpMethod.Get, "/api/v1/admin/batch-certificates")),
        new("list batch certificates without the admin role", "GET /v1/admin/batch-certificates", 403, f =>
            f.AsAsync(f.EntraId.Token(CallerAuthorization.VerifyRole), HttpMethod.Get, "/api/v1/admin/batch-certificates")),

        // Admin: debug tokens.
        new("create a debug token", "POST /v1/admin/apps/{appId}/debug-tokens", 201, f => f.DebugGrantorAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/debug-tokens")),
        new("create a debug token without debug access", "POST /v1/admin/apps/{appId}/debug-tokens", 403, f => f.AdminAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/debug-tokens")),
        new("create a debug token for an unknown app", "POST /v1/admin/apps/{appId}/debug-tokens", 404, f => f.DebugGrantorAsync(HttpMethod.Post, "/api/v1/admin/apps/com.contoso.unknown/debug-tokens")),
        new("delete a debug token", "DELETE /v1/admin/apps/{appId}/debug-tokens/{tokenId}", 204, async f =>
        {
            using var created = (await f.DebugGrantorAsync(HttpMethod.Post, $"/api/v1/admin/apps/{Demo}/debug-tokens")).Response;
            var id = (await RunningBackend.ReadJsonAsync(created)).GetProperty("id").GetString()!;
            return await f.AdminAsync(HttpMethod.Delete, $"/api/v1/admin/apps/{Demo}/debug-tokens/{id}");
        }),
        new("delete an unknown debug token", "DELETE /v1/admin/apps/{appId}/debug-tokens/{tokenId}", 404, f =>
            f.AdminAsync(HttpMethod.Delete, $"/api/v1/admin/apps/{Demo}/debug-tokens/{Binding("never issued")}")),
    ];

    public static ContractFlow Named(string name) => All.Single(f => f.Name == name);

    private static Task<Exchange> Post(ContractFixture f, string path, object body) => ContractFixture.SendAsync(f.Backend.Client, HttpMethod.Post, path, body);

    /// <summary>base64url(SHA-256(UTF-8 of <paramref name="value"/>)), the form of a binding and of a hashed id.</summary>
    private static string Binding(string value) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string NewAppId() => $"com.contoso.contract{Guid.NewGuid():N}"[..40];

    private static NewAppBody NewApp()
    {
        var appId = NewAppId();
        return new NewAppBody(appId, ["apple-app-attest"], "reject", new AppleSection("ABCDE12345", appId, false));
    }

    private static async Task<(NewAppBody App, string ETag)> CreateAppAsync(ContractFixture f)
    {
        var app = NewApp();
        using var created = (await f.AdminAsync(HttpMethod.Post, "/api/v1/admin/apps", app)).Response;
        created.EnsureSuccessStatusCode();
        return (app, created.Headers.ETag?.ToString() ?? string.Join(",", created.Headers.GetValues("ETag")));
    }

    /// <summary>An app as the admin API takes it (sent camelCase).</summary>
    private sealed record NewAppBody(string AppId, string[] Platforms, string FailureMode, AppleSection Apple);

    private sealed record AppleSection(string TeamId, string BundleId, bool AllowDevelopment);
}
