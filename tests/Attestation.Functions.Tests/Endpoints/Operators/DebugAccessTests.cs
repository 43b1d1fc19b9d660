using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Functions.Security;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Endpoints.Operators;

/// <summary>
/// Granting debug access (a debug token, a new debug token hash, the debug platform) needs the app role
/// <c>Attestation.DebugTokens</c> on top of <c>Attestation.Admin</c> (issue 16, finding 9); taking it away does not.
/// </summary>
public class DebugAccessTests(EntraIdBackendFixture fixture) : IClassFixture<EntraIdBackendFixture>
{
    private const string Apps = "/api/v1/admin/apps";
    private const string TeamId = "ABCDE12345";

    [Fact]
    public async Task TheAdminRoleAloneCannotCreateADebugTokenAndNothingIsWritten()
    {
        var appId = await CreateDebugAppAsync();
        var before = await ReadAppAsync(appId);

        using var response = await fixture.AdminAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");

        await AssertRefusedForTheDebugTokensRoleAsync(response);
        var after = await ReadAppAsync(appId);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(HashesOf(before.App), HashesOf(after.App));
    }

    [Fact]
    public async Task TheAdminAndDebugTokensRolesTogetherCreateADebugTokenThatAttests()
    {
        var appId = await CreateDebugAppAsync();

        using var response = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        var debugToken = (await RunningBackend.ReadJsonAsync(response)).GetProperty("debugToken").GetString()!;
        using var attested = await fixture.Backend.AttestDebugAsync(appId, debugToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(Sha256Hex(debugToken), HashesOf((await ReadAppAsync(appId)).App));
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
    }

    [Fact]
    public async Task TheAdminRoleAloneCannotCreateAnAppWithTheDebugPlatform()
    {
        var appId = NewAppId();

        using var response = await fixture.AdminAsync(HttpMethod.Post, Apps, AppBody(appId, debug: true, Sha256Hex($"seed-{appId}")));

        await AssertRefusedForTheDebugTokensRoleAsync(response);
        using var read = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound, "app_unknown");
    }

    [Fact]
    public async Task TheAdminRoleAloneCreatesAnAppWithoutDebugAccess()
    {
        var appId = NewAppId();

        using var response = await fixture.AdminAsync(HttpMethod.Post, Apps, AppBody(appId, debug: false));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task TheAdminRoleAloneCannotAddTheDebugPlatformByAnUpdateAndTheAppIsUnchanged()
    {
        var appId = NewAppId();
        using (var created = await fixture.AdminAsync(HttpMethod.Post, Apps, AppBody(appId, debug: false)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var before = await ReadAppAsync(appId);

        using var response = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: true, Sha256Hex($"seed-{appId}")));

        await AssertRefusedForTheDebugTokensRoleAsync(response);
        var after = await ReadAppAsync(appId);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(["apple-app-attest"], PlatformsOf(after.App));
        Assert.Empty(HashesOf(after.App));
    }

    [Fact]
    public async Task TheAdminRoleAloneCannotReEnableDebugWithTheHashesItOnceHad()
    {
        var appId = await CreateDebugAppAsync();
        using (var removed = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: false)))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        using var response = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: true, Sha256Hex($"seed-{appId}")));

        await AssertRefusedForTheDebugTokensRoleAsync(response);
        Assert.Equal(["apple-app-attest"], PlatformsOf((await ReadAppAsync(appId)).App));
    }

    [Fact]
    public async Task TheAdminRoleAloneCannotAddADebugTokenHashToADebugApp()
    {
        var appId = await CreateDebugAppAsync();
        var before = await ReadAppAsync(appId);

        using var response = await fixture.AdminAsync(
            HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: true, Sha256Hex($"seed-{appId}"), Sha256Hex("a token the admin chose")));

        await AssertRefusedForTheDebugTokensRoleAsync(response);
        Assert.Equal(before.ETag, (await ReadAppAsync(appId)).ETag);
    }

    [Fact]
    public async Task TheAdminRoleAloneUpdatesTheRestOfADebugAppKeepingItsHashesInAnyCase()
    {
        var appId = await CreateDebugAppAsync();

        using var response = await fixture.AdminAsync(
            HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: true, Sha256Hex($"seed-{appId}").ToUpperInvariant()) with { FailureMode = "decoy" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var app = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal("decoy", app.GetProperty("failureMode").GetString());
        Assert.Contains("debug", PlatformsOf(app));
    }

    [Fact]
    public async Task TheAdminRoleAloneRemovesTheDebugPlatformAndItsTokens()
    {
        var appId = await CreateDebugAppAsync();

        using var response = await fixture.AdminAsync(HttpMethod.Put, $"{Apps}/{appId}", AppBody(appId, debug: false));
        using var attest = await fixture.Backend.AttestDebugAsync(appId, $"seed-{appId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["apple-app-attest"], PlatformsOf((await ReadAppAsync(appId)).App));
        Assert.NotEqual(HttpStatusCode.OK, attest.StatusCode);
    }

    [Fact]
    public async Task TheAdminRoleAloneRevokesADebugToken()
    {
        var appId = await CreateDebugAppAsync();
        using var created = await fixture.DebugGrantorAsync(HttpMethod.Post, $"{Apps}/{appId}/debug-tokens");
        var body = await RunningBackend.ReadJsonAsync(created);
        var debugToken = body.GetProperty("debugToken").GetString()!;

        using var revoked = await fixture.AdminAsync(HttpMethod.Delete, $"{Apps}/{appId}/debug-tokens/{body.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.DoesNotContain(Sha256Hex(debugToken), HashesOf((await ReadAppAsync(appId)).App));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/debug-tokens")]
    public async Task TheDebugTokensRoleAloneOpensNoAdminRoute(string method, string suffix)
    {
        var appId = await CreateDebugAppAsync();
        var before = await ReadAppAsync(appId);

        using var response = await fixture.SendAsync(new HttpMethod(method), $"{Apps}/{appId}{suffix}", fixture.Token(CallerAuthorization.DebugTokensRole));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(CallerAuthorization.AdminRole, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before.ETag, (await ReadAppAsync(appId)).ETag);
    }

    private static async Task AssertRefusedForTheDebugTokensRoleAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(CallerAuthorization.DebugTokensRole, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> CreateDebugAppAsync()
    {
        var appId = NewAppId();
        using var created = await fixture.DebugGrantorAsync(HttpMethod.Post, Apps, AppBody(appId, debug: true, Sha256Hex($"seed-{appId}")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return appId;
    }

    private async Task<(JsonElement App, string ETag)> ReadAppAsync(string appId)
    {
        using var response = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{appId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response), response.Headers.ETag!.Tag);
    }

    private static List<string> HashesOf(JsonElement app) =>
        [.. app.GetProperty("debugTokenSha256").EnumerateArray().Select(h => h.GetString()!.ToLowerInvariant())];

    private static List<string> PlatformsOf(JsonElement app) => [.. app.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()!)];

    private static string NewAppId() => $"com.test.{Guid.NewGuid():N}";

    // An App Attest app, with the debug platform and the given hashes when debug is true.
    private static AppBodyJson AppBody(string appId, bool debug, params string[] hashes) => new(
        appId,
        debug ? ["apple-app-attest", "debug"] : ["apple-app-attest"],
        "reject",
        debug ? hashes : [],
        new { teamId = TeamId, bundleId = appId, allowDevelopment = false });

    private sealed record AppBodyJson(string AppId, string[] Platforms, string FailureMode, string[] DebugTokenSha256, object Apple);

    private static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
