using System.Net;
using System.Text.Json;
using Attestation.Cli;
using Attestation.Functions.Security;

namespace Attestation.Cli.Tests.Admin;

/// <summary>
/// <c>scripts/attestation admin</c> against the local host with Entra ID tokens from <c>FakeEntraIdServer</c>: every
/// subcommand, tables and <c>--json</c>, the API's problems, paging, and usage errors.
/// </summary>
public sealed class AdminCommandLineTests(AdminBackendFixture fixture) : IClassFixture<AdminBackendFixture>
{
    [Fact]
    public async Task AppsListShowsTheConfiguredAppsAsAnAlignedTable()
    {
        var run = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "list");

        Assert.True(run.Status == CliApplication.Valid, run.ToString());
        var lines = Lines(run.Stdout);
        Assert.StartsWith("APP ID", lines[0], StringComparison.Ordinal);
        var demo = Assert.Single(lines, line => line.StartsWith(AdminBackendFixture.DemoApp + " ", StringComparison.Ordinal));
        Assert.Contains("apple-app-attest, android-key-attestation, play-integrity, debug", demo, StringComparison.Ordinal);

        // Aligned: every row's second column starts where the header's does.
        var column = lines[0].IndexOf("PLATFORMS", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.NotEqual(' ', line[column]));
        Assert.All(lines.Skip(1), line => Assert.Equal(' ', line[column - 1]));
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public async Task AppsListWithJsonPrintsTheApisObjectOnOneLine()
    {
        var run = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "list", "--json");

        Assert.True(run.Status == CliApplication.Valid, run.ToString());
        using var json = JsonDocument.Parse(Assert.Single(Lines(run.Stdout)));
        Assert.Contains(json.RootElement.GetProperty("apps").EnumerateArray(), app => app.GetProperty("appId").GetString() == AdminBackendFixture.DemoApp);
    }

    [Fact]
    public async Task AppsGetShowsEveryFieldOfThePolicyAndItsETag()
    {
        var run = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "get", AdminBackendFixture.DemoApp);

        Assert.True(run.Status == CliApplication.Valid, run.ToString());
        var fields = Lines(run.Stdout).ToDictionary(line => line.Split(' ', 2)[0], line => line.Split(' ', 2)[1].Trim());
        Assert.Equal(AdminBackendFixture.DemoApp, fields["appId"]);
        Assert.Equal("reject", fields["failureMode"]);
        Assert.True(fields.ContainsKey("apple.teamId"), run.Stdout);
        Assert.NotEqual("-", fields["etag"]);
    }

    [Fact]
    public async Task AnAppIsCreatedFromAFileReadAsJsonAndUpdatedFromStandardInputAgainstTheVersionJustRead()
    {
        var appId = $"com.test.{Guid.NewGuid():N}";
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, AppJson(appId, "reject"));

            var created = await fixture.RunAsAsync(fixture.DebugGrantorToken(), "apps", "create", "--file", file);
            var read = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "get", appId, "--json");
            var updated = await AdminBackendFixture.RunAsync(["apps", "update", appId, "--file", "-", "--url", fixture.Address.ToString(), "--token", fixture.AdminToken()], AppJson(appId, "decoy"));
            var reread = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "get", appId, "--json");

            Assert.True(created.Status == CliApplication.Valid, created.ToString());
            Assert.Contains(Lines(created.Stdout), line => line.StartsWith("appId", StringComparison.Ordinal) && line.EndsWith(appId, StringComparison.Ordinal));
            Assert.True(read.Status == CliApplication.Valid, read.ToString());
            Assert.Equal(appId, JsonDocument.Parse(read.Stdout).RootElement.GetProperty("appId").GetString());
            Assert.StartsWith("ETag: ", read.Stderr, StringComparison.Ordinal);
            Assert.True(updated.Status == CliApplication.Valid, updated.ToString());
            Assert.Contains(Lines(updated.Stdout), line => line.StartsWith("failureMode", StringComparison.Ordinal) && line.EndsWith("decoy", StringComparison.Ordinal));
            Assert.Equal("decoy", JsonDocument.Parse(reread.Stdout).RootElement.GetProperty("failureMode").GetString());
            Assert.NotEqual(read.Stderr, reread.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AnUpdateIfMatchingAStaleVersionIsRefusedWith409AppChangedAndExitsOne()
    {
        var appId = await fixture.CreateDebugAppAsync();
        var first = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "get", appId, "--json");
        var staleVersion = first.Stderr["ETag: ".Length..].Trim();
        var app = JsonDocument.Parse(first.Stdout).RootElement.GetRawText();
        var changed = await AdminBackendFixture.RunAsync(["apps", "update", appId, "--file", "-", "--url", fixture.Address.ToString(), "--token", fixture.AdminToken()], app.Replace("\"reject\"", "\"decoy\"", StringComparison.Ordinal));

        var stale = await AdminBackendFixture.RunAsync(["apps", "update", appId, "--file", "-", "--if-match", staleVersion, "--json", "--url", fixture.Address.ToString(), "--token", fixture.AdminToken()], app);

        Assert.True(changed.Status == CliApplication.Valid, changed.ToString());
        Assert.True(stale.Status == CliApplication.Refused, stale.ToString());
        Assert.Equal("app_changed", JsonDocument.Parse(stale.Stdout).RootElement.GetProperty("code").GetString());
        Assert.Contains("HTTP 409 app_changed (action fix_request)", stale.Stderr, StringComparison.Ordinal);
        var now = await fixture.RunAsAsync(fixture.AdminToken(), "apps", "get", appId, "--json");
        Assert.Equal("decoy", JsonDocument.Parse(now.Stdout).RootElement.GetProperty("failureMode").GetString());
    }

    [Fact]
    public async Task AnUnknownAppIs404AppUnknownOnStandardErrorWithNothingOnStandardOutput()
    {
        var token = fixture.AdminToken();

        var run = await fixture.RunAsAsync(token, "apps", "get", "com.test.nobody");

        Assert.Equal(CliApplication.Refused, run.Status);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("attestation admin apps get: HTTP 404 app_unknown (action fix_request): ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingADebugTokenWithoutTheDebugTokensRoleIs403ForbiddenAndTheTokenIsNeverPrinted()
    {
        var appId = await fixture.CreateDebugAppAsync();
        var token = fixture.AdminToken();

        var run = await fixture.RunAsAsync(token, "debug-tokens", "create", appId);
        var json = await fixture.RunAsAsync(token, "debug-tokens", "create", appId, "--json");

        Assert.Equal(CliApplication.Refused, run.Status);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("HTTP 403 forbidden", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Attestation.DebugTokens", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(CliApplication.Refused, json.Status);
        Assert.Equal("forbidden", JsonDocument.Parse(json.Stdout).RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(token, run.Stdout + run.Stderr + json.Stdout + json.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADebugTokenIsShownOnceAttestsUntilDeletedAndItsDeviceIsThenRevoked()
    {
        var appId = await fixture.CreateDebugAppAsync();

        var created = await fixture.RunAsAsync(fixture.DebugGrantorToken(), "debug-tokens", "create", appId);
        var lines = Lines(created.Stdout);
        var debugToken = lines[1].Trim();
        var id = lines[2][(lines[2].LastIndexOf(' ') + 1)..];
        var attested = await fixture.AttestDebugAsync(appId, debugToken);
        var deleted = await fixture.RunAsAsync(fixture.AdminToken(), "debug-tokens", "delete", appId, id);
        var attestedAfter = await fixture.AttestDebugAsync(appId, debugToken);
        var device = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "get", id, "--json");
        var deletedAgain = await fixture.RunAsAsync(fixture.AdminToken(), "debug-tokens", "delete", appId, id, "--json");

        Assert.True(created.Status == CliApplication.Valid, created.ToString());
        Assert.Contains("shown only this once", lines[0], StringComparison.Ordinal);
        Assert.Equal(43, debugToken.Length);
        Assert.Equal(HttpStatusCode.OK, attested);
        Assert.True(deleted.Status == CliApplication.Valid, deleted.ToString());
        Assert.NotEqual(HttpStatusCode.OK, attestedAfter);
        Assert.Equal("revoked", JsonDocument.Parse(device.Stdout).RootElement.GetProperty("registrations")[0].GetProperty("status").GetString());
        Assert.Equal(CliApplication.Refused, deletedAgain.Status);
        Assert.Equal("debug_token_unknown", JsonDocument.Parse(deletedAgain.Stdout).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ADeviceIsRevokedAndRestoredAndItsRegistrationsShownAsATable()
    {
        var appId = await fixture.CreateDebugAppAsync();
        var created = await fixture.RunAsAsync(fixture.DebugGrantorToken(), "debug-tokens", "create", appId, "--json");
        var token = JsonDocument.Parse(created.Stdout).RootElement;
        var deviceId = token.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await fixture.AttestDebugAsync(appId, token.GetProperty("debugToken").GetString()!));

        var revoked = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "revoke", appId, deviceId);
        var shown = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "get", deviceId);
        var restored = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "restore", appId, deviceId, "--json");

        Assert.True(revoked.Status == CliApplication.Valid, revoked.ToString());
        Assert.Equal(["APP ID", "DEVICE ID", "PLATFORM", "STATUS", "FIRST SEEN", "LAST SEEN", "COUNTER", "VERDICT"], Columns(Lines(revoked.Stdout)[0]));
        Assert.Equal([appId, deviceId, "debug", "revoked"], Columns(Lines(revoked.Stdout)[1])[..4]);
        Assert.True(shown.Status == CliApplication.Valid, shown.ToString());
        Assert.Equal([appId, deviceId, "debug", "revoked"], Columns(Assert.Single(Lines(shown.Stdout).Skip(1)))[..4]);
        Assert.True(restored.Status == CliApplication.Valid, restored.ToString());
        Assert.Equal("active", JsonDocument.Parse(restored.Stdout).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task DevicesListPagesWithContinuationAndAllFollowsEveryPage()
    {
        var appId = await fixture.CreateDebugAppAsync();
        var deviceIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await fixture.RunAsAsync(fixture.DebugGrantorToken(), "debug-tokens", "create", appId, "--json");
            var token = JsonDocument.Parse(created.Stdout).RootElement;
            Assert.Equal(HttpStatusCode.OK, await fixture.AttestDebugAsync(appId, token.GetProperty("debugToken").GetString()!));
            deviceIds.Add(token.GetProperty("id").GetString()!);
        }

        var firstPage = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "list", appId, "--page-size", "2");
        var more = Lines(firstPage.Stdout)[^1];
        var continuation = more.Split(' ')[5];
        var secondPage = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "list", appId, "--page-size", "2", "--continuation", continuation, "--json");
        var all = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "list", appId, "--page-size", "2", "--all", "--json");
        var allAsTable = await fixture.RunAsAsync(fixture.AdminToken(), "devices", "list", appId, "--all", "--page-size", "1");

        Assert.True(firstPage.Status == CliApplication.Valid, firstPage.ToString());
        Assert.StartsWith("More devices follow: add --continuation ", more, StringComparison.Ordinal);
        Assert.Equal(2, Lines(firstPage.Stdout).Count(line => line.StartsWith(appId, StringComparison.Ordinal)));
        Assert.True(secondPage.Status == CliApplication.Valid, secondPage.ToString());
        var second = JsonDocument.Parse(secondPage.Stdout).RootElement;
        Assert.Single(second.GetProperty("devices").EnumerateArray());
        Assert.False(second.TryGetProperty("continuation", out _));
        Assert.True(all.Status == CliApplication.Valid, all.ToString());
        var every = JsonDocument.Parse(Assert.Single(Lines(all.Stdout))).RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()).ToList();
        Assert.Equal(deviceIds.Order(StringComparer.Ordinal), every.Order(StringComparer.Ordinal));
        Assert.Equal(3, Lines(allAsTable.Stdout).Count(line => line.StartsWith(appId, StringComparison.Ordinal)));
        Assert.DoesNotContain("More devices", allAsTable.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApiBaseCanBeGivenWithItsPathAsForTheOperatorsApiOfApiManagement()
    {
        var run = await AdminBackendFixture.RunAsync(["apps", "list", "--json", "--url", new Uri(fixture.Address, "api").ToString(), "--token", fixture.AdminToken()]);

        Assert.True(run.Status == CliApplication.Valid, run.ToString());
    }

    [Fact]
    public async Task TheTokenCanComeFromTheEnvironmentInsteadOfTheCommandLine()
    {
        var withToken = await AdminBackendFixture.RunAsync(["apps", "list", "--url", fixture.Address.ToString()], environment: new Dictionary<string, string> { ["ATTESTATION_ADMIN_TOKEN"] = fixture.AdminToken() });
        var withoutRole = await AdminBackendFixture.RunAsync(["apps", "list", "--url", fixture.Address.ToString()], environment: new Dictionary<string, string> { ["ATTESTATION_ADMIN_TOKEN"] = fixture.Token(CallerAuthorization.VerifyRole) });

        Assert.True(withToken.Status == CliApplication.Valid, withToken.ToString());
        Assert.Equal(CliApplication.Refused, withoutRole.Status);
        Assert.True(withoutRole.Stderr.Contains("HTTP 403 forbidden", StringComparison.Ordinal), withoutRole.ToString());
    }

    [Fact]
    public async Task NoAnswerFromTheUrlExitsTwoWithAClearMessage()
    {
        var run = await AdminBackendFixture.RunAsync(["apps", "list", "--url", "http://127.0.0.1:1/", "--token", fixture.AdminToken()]);

        Assert.Equal(CliApplication.UsageError, run.Status);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("attestation admin apps list: no answer from http://127.0.0.1:1/api/ (cannot connect).", run.Stderr.Trim());
    }

    [Fact]
    public async Task AnAnswerThatIsNotTheAdminApisExitsWithoutShowingItsBody()
    {
        // The host root has no such route: a 404 without a problem body, as a wrong --url behind a proxy would get.
        var run = await AdminBackendFixture.RunAsync(["apps", "list", "--url", new Uri(fixture.Address, "elsewhere").ToString(), "--token", fixture.AdminToken()]);

        Assert.Equal(CliApplication.Refused, run.Status);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("attestation admin apps list: HTTP 404, not a problem from the admin API (is --url the API's base?).", run.Stderr.Trim());
    }

    [Theory]
    [InlineData("", "Usage")]
    [InlineData("apps", "Usage")]
    [InlineData("apps remove com.contoso.demo --url http://127.0.0.1:1 --token t", "Usage")]
    [InlineData("apps get --url http://127.0.0.1:1 --token t", "takes APP_ID")]
    [InlineData("apps get a b --url http://127.0.0.1:1 --token t", "takes APP_ID")]
    [InlineData("devices revoke com.contoso.demo --url http://127.0.0.1:1 --token t", "takes APP_ID DEVICE_ID")]
    [InlineData("apps list --url http://127.0.0.1:1 --token t --all", "unknown option '--all'")]
    [InlineData("apps list --token t", "--url is required")]
    [InlineData("apps list --url ftp://example.com --token t", "--url is not an http(s) URL")]
    [InlineData("apps list --url http://example.com --token t", "--url must be https")]
    [InlineData("apps list --url https://example.com/api?code=1 --token t", "no query")]
    [InlineData("apps list --url https://example.com", "give --scope api://<API client id>/.default")]
    [InlineData("apps list --url https://example.com --token t --scope api://x/.default", "give --token or --scope, not both")]
    [InlineData("apps create --url https://example.com --token t", "--file is required")]
    [InlineData("apps create --file /no/such/file.json --url https://example.com --token t", "--file: cannot read")]
    [InlineData("devices list com.contoso.demo --page-size ten --url https://example.com --token t", "--page-size 'ten' is not a whole number")]
    [InlineData("apps list --url https://example.com --token", "--token needs a value")]
    public async Task ACommandLineThatCannotRunExitsTwoWithoutCallingTheBackend(string commandLine, string message)
    {
        var run = await AdminBackendFixture.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(CliApplication.UsageError, run.Status);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "--file is not JSON")]
    [InlineData("[1, 2]", "--file holds JSON but not an app object")]
    public async Task AnAppFileThatIsNotAJsonObjectIsAUsageError(string body, string message)
    {
        var run = await AdminBackendFixture.RunAsync(["apps", "create", "--file", "-", "--url", "https://example.com", "--token", "t"], body);

        Assert.Equal(CliApplication.UsageError, run.Status);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenThatCannotBeAHeaderIsRefusedWithoutBeingRepeated()
    {
        var run = await AdminBackendFixture.RunAsync(["apps", "list", "--url", "https://example.com", "--token", "secret\r\nX-Injected: 1"]);

        Assert.Equal(CliApplication.UsageError, run.Status);
        Assert.DoesNotContain("secret", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheToolsDispatcherSendsAdminToTheAdminCommands()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var status = await CliApplication.RunAsync(["admin", "apps"], stdout, stderr, TimeProvider.System);

        Assert.Equal(CliApplication.UsageError, status);
        Assert.Contains("admin debug-tokens delete APP_ID TOKEN_ID", stderr.ToString(), StringComparison.Ordinal);
    }

    private static string AppJson(string appId, string failureMode) =>
        JsonSerializer.Serialize(new { appId, platforms = new[] { "apple-app-attest" }, failureMode, apple = new { teamId = "ABCDE12345", bundleId = appId } });

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Columns(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
