using System.Net;
using System.Security.Cryptography;
using System.Text;
using Attestation.Azure.Tables;
using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.TestSupport;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Endpoints.Operators;

/// <summary>The admin API over HTTP, as an administrator with an Entra ID token: apps, debug tokens and devices.</summary>
public class AdminApiTests(EntraIdBackendFixture fixture) : IClassFixture<EntraIdBackendFixture>
{
    private const string Apps = "/api/v1/admin/apps";
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task TheConfiguredDemoAppsAreInTheRegistryWithoutAnyAdminCall()
    {
        using var response = await fixture.AdminAsync(HttpMethod.Get, Apps);
        var ids = (await RunningBackend.ReadJsonAsync(response)).GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("appId").GetString()).ToList();
        using var demo = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{RunningBackend.DemoApp}");
        var app = await RunningBackend.ReadJsonAsync(demo);

        Assert.Contains(RunningBackend.DemoApp, ids);
        Assert.Contains(RunningBackend.DecoyApp, ids);
        Assert.Equal(4, app.GetProperty("platforms").GetArrayLength());
        Assert.Equal(Sha256Hex(RunningBackend.DebugToken), Assert.Single(app.GetProperty("debugTokenSha256").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task AnAppCreatedIsServedAtOnce()
    {
        var appId = NewAppId();

        using var created = await CreateAppAsync(appId);
        using var challenge = await _backend.PostAsync("/api/v1/challenge", new { appId });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(ETagOf(created));
        Assert.Equal(appId, (await RunningBackend.ReadJsonAsync(created)).GetProperty("appId").GetString());
        Assert.Equal(HttpStatusCode.OK, challenge.StatusCode);
    }

    [Fact]
    public async Task CreatingAnAppThatExistsIs409()
    {
        using var response = await CreateAppAsync(RunningBackend.DemoApp);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "app_exists");
    }

    [Fact]
    public async Task APolicyThatAVerifierRefusesIs400WithItsReason()
    {
        using var response = await fixture.AdminAsync(HttpMethod.Post, Apps, new { appId = NewAppId(), platforms = new[] { "debug" } });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("DebugTokenSha256", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"appId": "com.test.unknownplatform", "platforms": ["windows-hello"]}""", "windows-hello")]
    [InlineData("""{"appId": "com.test.misspelt", "platfroms": ["debug"]}""", "platfroms")]
    [InlineData("""{"appId": "bad app id", "platforms": ["debug"], "debugTokenSha256": ["e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009"]}""", "AppId")]
    [InlineData("""{"appId": "com.test.mode", "platforms": ["debug"], "failureMode": "silent", "debugTokenSha256": ["e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009"]}""", "FailureMode")]
    [InlineData("""[1, 2]""", "")]
    public async Task AMalformedAppIs400AndNothingIsWritten(string body, string named)
    {
        using var response = await fixture.AdminAsync(HttpMethod.Post, Apps, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var list = await fixture.AdminAsync(HttpMethod.Get, Apps);
        var ids = (await RunningBackend.ReadJsonAsync(list)).GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("appId").GetString()).ToList();
        Assert.DoesNotContain(ids, id => id is "com.test.unknownplatform" or "com.test.misspelt" or "com.test.mode" or "bad app id");
    }

    [Fact]
    public async Task AnUpdateReplacesThePolicyAndIsServedAtOnce()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();

        using var updated = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, failureMode: "decoy"));
        using var refused = await _backend.AttestDebugAsync(appId, debugToken: "a-token-nobody-registered");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("decoy", (await RunningBackend.ReadJsonAsync(updated)).GetProperty("failureMode").GetString());
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var verdict = await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(refused)).GetProperty("token").GetString()!);
        Assert.Equal("bad_signature", verdict.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnUpdateAgainstAStaleVersionIs409()
    {
        var appId = NewAppId();
        using var created = await CreateAppAsync(appId);
        var firstVersion = ETagOf(created)!;
        (await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, failureMode: "decoy"))).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Apps}/{appId}") { Content = System.Net.Http.Json.JsonContent.Create(AppBody(appId)) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken());
        request.Headers.TryAddWithoutValidation("If-Match", firstVersion);
        using var stale = await _backend.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict, "app_changed");
    }

    [Fact]
    public async Task AnUpdateIfMatchingTheCurrentVersionIsAppliedAndGivesANewVersion()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        using var read = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        var current = ETagOf(read)!;

        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Apps}/{appId}") { Content = System.Net.Http.Json.JsonContent.Create(AppBody(appId, failureMode: "decoy")) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken());
        request.Headers.TryAddWithoutValidation("If-Match", current);
        using var updated = await _backend.Anonymous.SendAsync(request);
        using var reread = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("decoy", (await RunningBackend.ReadJsonAsync(updated)).GetProperty("failureMode").GetString());
        Assert.NotNull(ETagOf(updated));
        Assert.NotEqual(current, ETagOf(updated));
        Assert.Equal(ETagOf(updated), ETagOf(reread));
        Assert.Equal("decoy", (await RunningBackend.ReadJsonAsync(reread)).GetProperty("failureMode").GetString());
    }

    [Fact]
    public async Task OfFourUpdatesIfMatchingTheSameVersionThatAllReadItFirstExactlyOneIsApplied()
    {
        // Another instance on the same tables, whose storage client holds each update's read of the app until all four
        // have read it: every update then passes the If-Match check against the same version, and only the conditional
        // write can refuse three of them.
        const int parties = 4;
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        using var read = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        var version = ETagOf(read)!;
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.AppsTable, RequestMethod.Get));
        await using var instance = await fixture.StartInstanceAsync(s => s.AddSingleton(RunningBackend.StorageOptionsWith(held)));

        var responses = await Task.WhenAll(Enumerable.Range(0, parties).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"{Apps}/{appId}");
            request.Headers.TryAddWithoutValidation("If-Match", version);
            return EntraIdBackendFixture.SendAsync(instance, request, fixture.AdminToken(), AppBody(appId, failureMode: "decoy"));
        }));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "app_changed");
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task AnUpdateOfAnUnknownAppIs404()
    {
        var appId = NewAppId();

        using var response = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "app_unknown");
    }

    [Fact]
    public async Task AnUpdateCannotRenameAnApp()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();

        using var response = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(NewAppId()));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ReadingAnUnknownAppIs404()
    {
        using var response = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{NewAppId()}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "app_unknown");
    }

    [Fact]
    public async Task ADebugTokenIsShownOnceStoredAsItsHashAndAttests()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();

        var (debugToken, id) = await CreateDebugTokenAsync(appId);
        using var stored = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        var storedText = await stored.Content.ReadAsStringAsync();
        using var attested = await _backend.AttestDebugAsync(appId, debugToken);

        Assert.DoesNotContain(debugToken, storedText, StringComparison.Ordinal);
        Assert.Contains(Sha256Hex(debugToken), storedText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        Assert.Equal(id, (await RunningBackend.ReadJsonAsync(attested)).GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task ANewDebugTokenIsNotCachedAndTheHundredthIsTheLast()
    {
        var appId = NewAppId();
        var hashes = Enumerable.Range(0, AppAdministration.MaxDebugTokens - 1).Select(i => Sha256Hex($"seed-{appId}-{i}")).ToArray();
        using (var created = await fixture.DebugGrantorAsync(HttpMethod.Post, Apps, new { appId, platforms = new[] { "debug" }, debugTokenSha256 = hashes }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var hundredth = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        using var before = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        using var refused = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        using var after = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");

        // The README: the response is the only place the plaintext appears, so no cache may keep it.
        Assert.Equal(HttpStatusCode.Created, hundredth.StatusCode);
        Assert.True(hundredth.Headers.CacheControl?.NoStore, "a new debug token must be sent with Cache-Control: no-store");
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(ETagOf(before), ETagOf(after));
        Assert.Equal(AppAdministration.MaxDebugTokens, (await RunningBackend.ReadJsonAsync(after)).GetProperty("debugTokenSha256").GetArrayLength());
    }

    [Fact]
    public async Task ARevokedDebugTokenAttestsNoMoreAndItsLiveTokensFailVerify()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        var (debugToken, id) = await CreateDebugTokenAsync(appId);
        using var attested = await _backend.AttestDebugAsync(appId, debugToken);
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;

        using var revoked = await fixture.AdminAsync(HttpMethod.Delete, $"{Apps}/{appId}/debug-tokens/{id}");
        using var again = await _backend.AttestDebugAsync(appId, debugToken);
        var verdict = await _backend.VerifyAsync(token);
        using var twice = await fixture.AdminAsync(HttpMethod.Delete, $"{Apps}/{appId}/debug-tokens/{id}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Unauthorized, "attestation_invalid");
        Assert.Equal("device_revoked", verdict.GetProperty("reason").GetString());
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.NotFound, "debug_token_unknown");
    }

    [Fact]
    public async Task ARevokedDeviceIsRefusedAtRefreshAttestAndVerifyUntilRestored()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        var (debugToken, deviceId) = await CreateDebugTokenAsync(appId);
        using var attested = await _backend.AttestDebugAsync(appId, debugToken);
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;

        using var revoked = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/revoke");
        using var refresh = await _backend.RefreshDebugAsync(deviceId, appId, debugToken);
        using var attestAgain = await _backend.AttestDebugAsync(appId, debugToken);
        var verdict = await _backend.VerifyAsync(token);

        Assert.Equal("revoked", (await RunningBackend.ReadJsonAsync(revoked)).GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Forbidden, "device_revoked");
        await ProblemAssert.IsProblemAsync(attestAgain, HttpStatusCode.Forbidden, "device_revoked");
        Assert.Equal("device_revoked", verdict.GetProperty("reason").GetString());

        using var restored = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/restore");
        using var refreshed = await _backend.RefreshDebugAsync(deviceId, appId, debugToken);

        Assert.Equal("active", (await RunningBackend.ReadJsonAsync(restored)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.True((await _backend.VerifyAsync((await RunningBackend.ReadJsonAsync(refreshed)).GetProperty("token").GetString()!)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ARevocationLandingBetweenRefreshesReadsAndTheirWritesIsNeverUndone()
    {
        // Eight refreshes on another instance of the same tables: its storage client holds their reads of the device until
        // all eight have read it (active), then holds their writes until the revocation, made here in between, is
        // written. Each refresh then writes back the active registration it read; only the condition on the version it
        // read keeps it from undoing the revocation.
        const int parties = 8;
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        var (debugToken, deviceId) = await CreateDebugTokenAsync(appId);
        (await _backend.AttestDebugAsync(appId, debugToken)).Dispose();
        var reads = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.DevicesTable, RequestMethod.Get));
        var writes = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.DevicesTable, RequestMethod.Put), untilReleased: true);
        await using var instance = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(RunningBackend.StorageOptionsWith(reads, writes)), tablePrefix: _backend.TablePrefix);

        var refreshes = Enumerable.Range(0, parties).Select(_ => instance.RefreshDebugAsync(deviceId, appId, debugToken)).ToList();
        await writes.AllArrived.WaitAsync(TimeSpan.FromSeconds(30));
        using (var revoked = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/devices/{deviceId}/revoke"))
        {
            Assert.Equal("revoked", (await RunningBackend.ReadJsonAsync(revoked)).GetProperty("status").GetString());
        }

        writes.Release();
        foreach (var refresh in await Task.WhenAll(refreshes))
        {
            using (refresh)
            {
                await ProblemAssert.IsProblemAsync(refresh, HttpStatusCode.Unauthorized, "proof_invalid", action: "new_challenge");
            }
        }

        using var device = await fixture.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{deviceId}");
        using var after = await _backend.RefreshDebugAsync(deviceId, appId, debugToken);

        Assert.Equal("revoked", Assert.Single((await RunningBackend.ReadJsonAsync(device)).GetProperty("registrations").EnumerateArray()).GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(after, HttpStatusCode.Forbidden, "device_revoked");
    }

    [Fact]
    public async Task AnAppsDevicesArePagedAndADevicesRegistrationsAreListed()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        var deviceIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (debugToken, id) = await CreateDebugTokenAsync(appId);
            (await _backend.AttestDebugAsync(appId, debugToken)).Dispose();
            deviceIds.Add(id);
        }

        using var first = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}/devices?pageSize=2");
        var firstPage = await RunningBackend.ReadJsonAsync(first);
        var continuation = firstPage.GetProperty("continuation").GetString();
        using var second = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}/devices?pageSize=2&continuation={continuation}");
        var secondPage = await RunningBackend.ReadJsonAsync(second);
        using var registrations = await fixture.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{deviceIds[0]}");
        var device = await RunningBackend.ReadJsonAsync(registrations);

        Assert.Equal(2, firstPage.GetProperty("devices").GetArrayLength());
        Assert.False(secondPage.TryGetProperty("continuation", out _));
        var listed = firstPage.GetProperty("devices").EnumerateArray().Concat(secondPage.GetProperty("devices").EnumerateArray()).ToList();
        Assert.Equal(deviceIds.Order(StringComparer.Ordinal), listed.Select(d => d.GetProperty("deviceId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(listed, d => Assert.Equal("active", d.GetProperty("status").GetString()));
        var registration = Assert.Single(device.GetProperty("registrations").EnumerateArray());
        Assert.Equal(appId, registration.GetProperty("appId").GetString());
        Assert.Equal("debug", registration.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task ADevicesRiskMetricAndItsTimeAreNullUntilReadAndThenShown()
    {
        var appId = NewAppId();
        (await CreateAppAsync(appId)).Dispose();
        var (debugToken, deviceId) = await CreateDebugTokenAsync(appId);
        (await _backend.AttestDebugAsync(appId, debugToken)).Dispose();

        using var before = await fixture.AdminAsync(HttpMethod.Get, $"/api/v1/admin/devices/{deviceId}");
        var unknown = Assert.Single((await RunningBackend.ReadJsonAsync(before)).GetProperty("registrations").EnumerateArray());
        var store = _backend.Services.GetRequiredService<Core.Devices.IDeviceStore>();
        var row = (await store.FindAsync(appId, deviceId))!;
        Assert.True(await store.TryUpdateAsync(row with { RiskMetric = 3, RiskMetricUpdatedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero) }));
        using var after = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}/devices");
        var known = Assert.Single((await RunningBackend.ReadJsonAsync(after)).GetProperty("devices").EnumerateArray());

        Assert.Equal(System.Text.Json.JsonValueKind.Null, unknown.GetProperty("riskMetric").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unknown.GetProperty("riskMetricUpdatedAt").ValueKind);
        Assert.Equal(3, known.GetProperty("riskMetric").GetInt64());
        Assert.Equal("2026-12-01T12:00:00Z", known.GetProperty("riskMetricUpdatedAt").GetString());
    }

    [Theory]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=1001")]
    [InlineData("pageSize=two")]
    [InlineData("continuation=not*a*token")]
    [InlineData("continuation=AAAA")]
    public async Task AMalformedDeviceListingIs400(string query)
    {
        using var response = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{RunningBackend.DemoApp}/devices?{query}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("GET", "/api/v1/admin/apps/com.test.nosuchapp/devices", HttpStatusCode.NotFound, "app_unknown")]
    [InlineData("POST", "/api/v1/admin/apps/com.contoso.demo/devices/bm8tc3VjaC1kZXZpY2U/revoke", HttpStatusCode.NotFound, "device_unknown")]
    [InlineData("POST", "/api/v1/admin/apps/com.contoso.demo/devices/not%20base64/revoke", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("GET", "/api/v1/admin/devices/bm8tc3VjaC1kZXZpY2U", HttpStatusCode.NotFound, "device_unknown")]
    [InlineData("POST", "/api/v1/admin/apps/com.test.nosuchapp/debug-tokens", HttpStatusCode.NotFound, "app_unknown")]
    [InlineData("DELETE", "/api/v1/admin/apps/com.contoso.demo/debug-tokens/AAAA", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("DELETE", "/api/v1/admin/apps/com.contoso.demo/debug-tokens/47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", HttpStatusCode.NotFound, "debug_token_unknown")]
    public async Task UnknownAndMalformedTargetsAreRefusedWithTheirCode(string method, string path, HttpStatusCode status, string code)
    {
        using var response = await fixture.DebugGrantorAsync(new HttpMethod(method), path);

        await ProblemAssert.IsProblemAsync(response, status, code);
    }

    [Fact]
    public async Task OnceSeededTheTableWinsOverConfiguration()
    {
        var prefix = SharedAzurite.NewTablePrefix();
        await using (var first = await RunningBackend.StartAsync(settings: [$"--Attestation:Storage:TablePrefix={prefix}"]))
        {
            var apps = first.Services.GetRequiredService<AppAdministration>();
            var demo = await apps.GetAsync(RunningBackend.DemoApp);
            var changed = AppPolicyJson.Deserialize(AppPolicyJson.Serialize(demo.Configuration));
            changed.FailureMode = "decoy";
            await apps.UpdateAsync(RunningBackend.DemoApp, changed, ifMatch: null, DebugAccessRight.Held);
        }

        // A restart with the same configuration (FailureMode reject) keeps the administrator's change.
        await using var second = await RunningBackend.StartAsync(settings: [$"--Attestation:Storage:TablePrefix={prefix}"]);
        var served = await second.Services.GetRequiredService<IAppPolicyProvider>().FindAsync(RunningBackend.DemoApp);

        Assert.Equal(FailureMode.Decoy, served!.FailureMode);
    }

    private static string NewAppId() => $"com.test.{Guid.NewGuid():N}";

    private static object AppBody(string appId, string failureMode = "reject") => new
    {
        appId,
        platforms = new[] { "debug" },
        failureMode,
        debugTokenSha256 = new[] { Sha256Hex($"seed-{appId}") },
    };

    // Every app here enables the debug platform, which the admin role alone may not do (DebugAccessTests).
    private Task<HttpResponseMessage> CreateAppAsync(string appId) => fixture.DebugGrantorAsync(HttpMethod.Post, Apps, AppBody(appId));

    private async Task<(string DebugToken, string Id)> CreateDebugTokenAsync(string appId)
    {
        using var response = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        return (body.GetProperty("debugToken").GetString()!, body.GetProperty("id").GetString()!);
    }

    private static string? ETagOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("ETag", out var values) ? values.Single() : null;

    private static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
