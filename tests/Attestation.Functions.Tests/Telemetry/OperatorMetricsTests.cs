using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>
/// The operators' instruments through real HTTP flows: registrations of new devices, and revocations and restorations
/// through the admin API, each counted once with its app and no device id in a tag.
/// </summary>
public class OperatorMetricsTests(EntraIdBackendFixture fixture) : IClassFixture<EntraIdBackendFixture>
{
    private const string Apps = "/api/v1/admin/apps";
    private const string Registered = "attestation.devices.registered";
    private const string Revocations = "attestation.devices.revocations";

    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task ADeviceIsCountedAsRegisteredOnlyTheFirstTimeItAttests()
    {
        var appId = await CreateAppAsync();
        var (debugToken, _) = await CreateDebugTokenAsync(appId);
        using var metrics = new MetricsRecorder(_backend);

        using var first = await _backend.AttestDebugAsync(appId, debugToken);
        using var again = await _backend.AttestDebugAsync(appId, debugToken);
        using var refused = await _backend.AttestDebugAsync(appId, "not-a-debug-token-of-this-app");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var registered = Assert.Single(metrics.Of(Registered));
        Assert.Equal(1, registered.Value);
        Assert.Equal(new Dictionary<string, string?> { ["app"] = appId, ["platform"] = "debug" }, registered.Tags);
    }

    [Fact]
    public async Task RevocationsAndRestorationsAreCountedOnlyWhenTheStatusChanges()
    {
        var appId = await CreateAppAsync();
        var (debugToken, deviceId) = await CreateDebugTokenAsync(appId);
        (await _backend.AttestDebugAsync(appId, debugToken)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var restoredActive = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/restore");
        using var revoked = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/revoke");
        using var revokedAgain = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/revoke");
        using var restored = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/restore");
        using var unknown = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/bm8tc3VjaC1kZXZpY2U/revoke");

        Assert.All([restoredActive, revoked, revokedAgain, restored], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(2, metrics.Of(Revocations).Count);
        Assert.Single(metrics.Of(Revocations, ("app", appId), ("action", "revoke")));
        Assert.Single(metrics.Of(Revocations, ("app", appId), ("action", "restore")));
        Assert.All(metrics.Of(Revocations), m => Assert.Equal(["action", "app"], m.Tags.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task RevokingADebugTokenCountsTheRevocationOfItsDevice()
    {
        var appId = await CreateAppAsync();
        var (debugToken, deviceId) = await CreateDebugTokenAsync(appId);
        (await _backend.AttestDebugAsync(appId, debugToken)).Dispose();
        using var metrics = new MetricsRecorder(_backend);

        using var deleted = await fixture.AdminAsync(HttpMethod.Delete, $"{Apps}/{appId}/debug-tokens/{deviceId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Single(metrics.Of(Revocations, ("app", appId), ("action", "revoke")));
    }

    private async Task<string> CreateAppAsync()
    {
        var appId = $"com.test.{Guid.NewGuid():N}";
        var seed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"seed-{appId}")));

        // The debug platform needs the debug access role as well as the admin role (DebugAccessTests).
        using var created = await fixture.DebugGrantorAsync(HttpMethod.Post, Apps, new { appId, platforms = new[] { "debug" }, debugTokenSha256 = new[] { seed } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return appId;
    }

    private async Task<(string DebugToken, string DeviceId)> CreateDebugTokenAsync(string appId)
    {
        using var response = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        return (body.GetProperty("debugToken").GetString()!, body.GetProperty("id").GetString()!);
    }
}
