using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;

namespace Attestation.Cli.Admin;

/// <summary>
/// <c>scripts/attestation admin RESOURCE VERB ...</c> (docs/cli.md): the admin API of a running backend, with an Entra ID
/// token from <c>--token</c> or the signed-in Azure CLI user. Exit status 0 done, 1 the backend refused (its problem is
/// shown), 2 the command could not run (usage, no token, no answer).
/// </summary>
public static class AdminCommandLine
{
    /// <summary>The token scope when <c>--scope</c> is not given: <c>api://&lt;API client id&gt;/.default</c>.</summary>
    public const string ScopeVariable = "ATTESTATION_ADMIN_SCOPE";

    /// <summary>A bearer token when <c>--token</c> is not given: kept out of the process list and the shell history.</summary>
    public const string TokenVariable = "ATTESTATION_ADMIN_TOKEN";

    private const string Url = "--url";
    private const string Token = "--token";
    private const string Scope = "--scope";
    private const string Json = "--json";
    private const string File = "--file";
    private const string IfMatch = "--if-match";
    private const string PageSize = "--page-size";
    private const string Continuation = "--continuation";
    private const string All = "--all";

    private static readonly string[] DeviceHeaders = ["APP ID", "DEVICE ID", "PLATFORM", "STATUS", "FIRST SEEN", "LAST SEEN", "COUNTER", "VERDICT"];

    // The device's fields under DeviceHeaders, in the same order; a field the backend adds later is in --json.
    private static readonly string[] DeviceFields = ["appId", "deviceId", "platform", "status", "firstSeen", "lastSeen", "counter", "verdictSummary"];

    private static readonly AdminCommand[] Commands =
    [
        new("apps", "list", [], [], [], "", ListAppsAsync),
        new("apps", "get", ["APP_ID"], [], [], "", GetAppAsync),
        new("apps", "create", [], [File], [], " --file APP.json", CreateAppAsync),
        new("apps", "update", ["APP_ID"], [File, IfMatch], [], " --file APP.json [--if-match ETAG]", UpdateAppAsync),
        new("devices", "list", ["APP_ID"], [PageSize, Continuation], [All], " [--page-size N] [--continuation TOKEN] [--all]", ListDevicesAsync),
        new("devices", "get", ["DEVICE_ID"], [], [], "", GetDeviceAsync),
        new("devices", "revoke", ["APP_ID", "DEVICE_ID"], [], [], "", (run, ct) => SetDeviceStatusAsync(run, "revoke", ct)),
        new("devices", "restore", ["APP_ID", "DEVICE_ID"], [], [], "", (run, ct) => SetDeviceStatusAsync(run, "restore", ct)),
        new("debug-tokens", "create", ["APP_ID"], [], [], "", CreateDebugTokenAsync),
        new("debug-tokens", "delete", ["APP_ID", "TOKEN_ID"], [], [], "", DeleteDebugTokenAsync),
    ];

    /// <summary>The admin commands, one a line, as docs/cli.md lists them.</summary>
    public static string Usage() =>
        string.Join(Environment.NewLine, Commands.Select(c => $"  admin {c.Resource} {c.Verb}{string.Concat(c.Positionals.Select(p => " " + p))}{c.OptionsSynopsis}"))
        + Environment.NewLine + "  every command: --url BASE_URL [--token TOKEN | --scope SCOPE] [--json]";

    /// <summary>Runs <c>admin ...</c>; <paramref name="args"/> start after the word <c>admin</c>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, AdminContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(context);

        var command = args.Count >= 2 ? Commands.FirstOrDefault(c => c.Resource == args[0] && c.Verb == args[1]) : null;
        if (command is null)
        {
            await stderr.WriteLineAsync($"Usage: scripts/attestation admin RESOURCE VERB ...   (see docs/cli.md){Environment.NewLine}{Usage()}").ConfigureAwait(false);
            return CliApplication.UsageError;
        }

        var name = $"attestation admin {command.Resource} {command.Verb}";
        var json = false;
        try
        {
            var (positionals, arguments) = Parse(command, args.Skip(2).ToList());
            json = arguments.Has(Json);
            var apiBase = ApiBase(arguments.Required(Url));
            var body = command.Options.Contains(File) ? await ReadBodyAsync(arguments.Required(File), context, cancellationToken).ConfigureAwait(false) : null;
            var token = await TokenAsync(arguments, context, cancellationToken).ConfigureAwait(false);
            using var client = new AdminApiClient(apiBase, token);
            await command.RunAsync(new AdminRun(client, positionals, arguments, body, json, stdout, stderr), cancellationToken).ConfigureAwait(false);
            return CliApplication.Valid;
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"{name}: {e.Message}").ConfigureAwait(false);
            return CliApplication.UsageError;
        }
        catch (AdminCommandException e)
        {
            await stderr.WriteLineAsync($"{name}: {e.Message}").ConfigureAwait(false);
            return CliApplication.UsageError;
        }
        catch (AdminApiException e)
        {
            await WriteProblemAsync(name, e, json, stdout, stderr).ConfigureAwait(false);
            return CliApplication.Refused;
        }
    }

    /// <summary>Positional words in order, wherever the options sit among them.</summary>
    private static (IReadOnlyList<string> Positionals, CliArguments Arguments) Parse(AdminCommand command, List<string> args)
    {
        var valueOptions = new HashSet<string>([Url, Token, Scope, .. command.Options], StringComparer.Ordinal);
        var flags = new HashSet<string>([Json, .. command.Flags], StringComparer.Ordinal);
        var positionals = new List<string>();
        var options = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(args[i]);
                continue;
            }

            options.Add(args[i]);
            if (valueOptions.Contains(args[i]) && i + 1 < args.Count)
            {
                options.Add(args[++i]);
            }
        }

        var arguments = CliArguments.Parse(options, valueOptions, new HashSet<string>(), flags);
        if (positionals.Count != command.Positionals.Length)
        {
            var wanted = command.Positionals.Length == 0 ? "no word" : string.Join(" ", command.Positionals);
            throw new CliUsageException($"takes {wanted} before or after its options, not {positionals.Count} word(s).");
        }

        if (positionals.Any(string.IsNullOrWhiteSpace))
        {
            throw new CliUsageException($"{string.Join(" ", command.Positionals)} cannot be empty.");
        }

        return (positionals, arguments);
    }

    /// <summary>
    /// The API's base, to which <c>v1/admin/...</c> is appended: a URL with a path is used as given (the operators API of
    /// API Management, or <c>.../api</c>); a bare host gets the Functions app's <c>/api</c>.
    /// </summary>
    private static Uri ApiBase(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliUsageException("--url is not an http(s) URL.");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new CliUsageException("--url takes the API's base only: no query, fragment or user name.");
        }

        // The token goes with every request: in clear text only to this machine (the local host).
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new CliUsageException("--url must be https (http only to this machine): the bearer token goes with every request.");
        }

        var path = uri.AbsolutePath == "/" ? "/api/" : uri.AbsolutePath.TrimEnd('/') + "/";
        return new UriBuilder(uri) { Path = path }.Uri;
    }

    private static async Task<string> ReadBodyAsync(string file, AdminContext context, CancellationToken cancellationToken)
    {
        var text = file == "-"
            ? await context.StandardInput.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
            : CliArguments.ReadFile(File, file);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? text : throw new CliUsageException($"{File} holds JSON but not an app object.");
        }
        catch (JsonException)
        {
            throw new CliUsageException($"{File} is not JSON.");
        }
    }

    private static async Task<string> TokenAsync(CliArguments arguments, AdminContext context, CancellationToken cancellationToken)
    {
        var given = arguments.Optional(Token) ?? NonEmpty(context.Environment(TokenVariable));
        var scope = arguments.Optional(Scope) ?? NonEmpty(context.Environment(ScopeVariable));
        if (arguments.Optional(Token) is not null && arguments.Optional(Scope) is not null)
        {
            throw new CliUsageException($"give {Token} or {Scope}, not both.");
        }

        if (given is not null)
        {
            // Header-safe text only; the token itself is never repeated in a message.
            return given.All(c => c is > ' ' and < '\u007f') ? given : throw new CliUsageException($"the token ({Token} or {TokenVariable}) is not a bearer token.");
        }

        if (scope is null)
        {
            throw new CliUsageException($"give {Scope} api://<API client id>/.default (or set {ScopeVariable}) to get a token as the signed-in Azure CLI user, or give {Token}.");
        }

        try
        {
            var token = await context.Credential().GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            return token.Token;
        }
        catch (ArgumentException)
        {
            throw new CliUsageException($"{Scope} is not a scope (api://<API client id>/.default).");
        }
        catch (Exception e) when (e is CredentialUnavailableException or AuthenticationFailedException)
        {
            var reason = e.Message.Split('\n', 2)[0].Trim();
            throw new AdminCommandException(
                $"no token from the Azure CLI ({AdminOutput.Safe(reason.Length > 300 ? reason[..300] : reason)}): sign in with 'az login' as a user holding Attestation.Admin, or give {Token}.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static async Task WriteProblemAsync(string name, AdminApiException e, bool json, TextWriter stdout, TextWriter stderr)
    {
        var status = (int)e.Status;
        var code = Text(e.Problem, "code");
        if (e.Problem is null || code is null)
        {
            // Not the backend's problem (a proxy's page, a redirect): its body is not shown.
            await stderr.WriteLineAsync($"{name}: HTTP {status}, not a problem from the admin API (is --url the API's base?).").ConfigureAwait(false);
            return;
        }

        if (json)
        {
            await stdout.WriteLineAsync(AdminOutput.Json(e.Problem)).ConfigureAwait(false);
        }

        var detail = Text(e.Problem, "detail");
        await stderr.WriteLineAsync(
            $"{name}: HTTP {status} {AdminOutput.Safe(code)} (action {AdminOutput.Safe(Text(e.Problem, "action"))}): {AdminOutput.Safe(Text(e.Problem, "title"))}"
            + (detail is null ? "" : $": {AdminOutput.Safe(detail)}")).ConfigureAwait(false);
    }

    private static string? Text(JsonObject? json, string field) =>
        json?[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static JsonArray Array(AdminAnswer answer, string field) =>
        answer.Body?[field] as JsonArray ?? throw new AdminCommandException($"the answer has no '{field}' list (is --url the API's base?).");

    private static async Task ListAppsAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var answer = await run.Client.SendAsync(HttpMethod.Get, "v1/admin/apps", cancellationToken: cancellationToken).ConfigureAwait(false);
        var apps = Array(answer, "apps");
        if (run.Json)
        {
            run.Out.WriteLine(AdminOutput.Json(answer.Body!));
            return;
        }

        AdminOutput.Table(run.Out, ["APP ID", "PLATFORMS", "FAILURE MODE", "DEBUG TOKENS"],
        [
            .. apps.OfType<JsonObject>().Select(app => (IReadOnlyList<string>)
            [
                AdminOutput.Cell(app["appId"]),
                AdminOutput.Cell(app["platforms"]),
                AdminOutput.Cell(app["failureMode"]),
                (app["debugTokenSha256"] as JsonArray)?.Count.ToString(CultureInfo.InvariantCulture) ?? "0",
            ]),
        ]);
    }

    private static async Task GetAppAsync(AdminRun run, CancellationToken cancellationToken) =>
        WriteApp(run, await run.Client.SendAsync(HttpMethod.Get, $"v1/admin/apps/{Segment(run.Positionals[0])}", cancellationToken: cancellationToken).ConfigureAwait(false));

    private static async Task CreateAppAsync(AdminRun run, CancellationToken cancellationToken) =>
        WriteApp(run, await run.Client.SendAsync(HttpMethod.Post, "v1/admin/apps", run.Body, cancellationToken: cancellationToken).ConfigureAwait(false));

    private static async Task UpdateAppAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var path = $"v1/admin/apps/{Segment(run.Positionals[0])}";

        // Without --if-match, the version read just now: a change another operator makes between this read and the write
        // is refused (409 app_changed) rather than silently replaced.
        var version = run.Arguments.Optional(IfMatch);
        if (version is null)
        {
            var current = await run.Client.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken).ConfigureAwait(false);
            version = current.ETag ?? throw new AdminCommandException("the app's answer has no ETag to make the update conditional on.");
        }

        WriteApp(run, await run.Client.SendAsync(HttpMethod.Put, path, run.Body, version, cancellationToken).ConfigureAwait(false));
    }

    private static void WriteApp(AdminRun run, AdminAnswer answer)
    {
        if (run.Json)
        {
            run.Out.WriteLine(AdminOutput.Json(answer.Body!));

            // The version goes to stderr, so stdout stays the API's object and a script can still pass it to --if-match.
            run.Error.WriteLine($"ETag: {AdminOutput.Safe(answer.ETag)}");
            return;
        }

        AdminOutput.Fields(run.Out, answer.Body!, ("etag", answer.ETag ?? "-"));
    }

    private static async Task ListDevicesAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var pageSize = run.Arguments.Optional(PageSize);
        if (pageSize is not null && !int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new CliUsageException($"{PageSize} '{AdminOutput.Safe(pageSize)}' is not a whole number.");
        }

        var all = run.Arguments.Has(All);
        var continuation = run.Arguments.Optional(Continuation);
        var devices = new JsonArray();
        JsonObject page;
        while (true)
        {
            var query = new List<string>();
            if (pageSize is not null)
            {
                query.Add($"pageSize={pageSize}");
            }

            if (continuation is not null)
            {
                query.Add($"continuation={Uri.EscapeDataString(continuation)}");
            }

            var path = $"v1/admin/apps/{Segment(run.Positionals[0])}/devices" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
            var answer = await run.Client.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken).ConfigureAwait(false);
            page = answer.Body!;
            foreach (var device in Array(answer, "devices"))
            {
                devices.Add(device?.DeepClone());
            }

            var next = Text(page, "continuation");
            if (!all || next is null)
            {
                break;
            }

            // A backend that hands back the token it was given would page for ever.
            continuation = next != continuation ? next : throw new AdminCommandException("the backend returned the same continuation twice.");
        }

        if (run.Json)
        {
            // One page: the API's object as it is. Every page (--all): one object with every device and no continuation.
            run.Out.WriteLine(AdminOutput.Json(all ? new JsonObject { ["devices"] = devices } : page));
            return;
        }

        WriteDevices(run.Out, devices);
        var more = Text(page, "continuation");
        if (!all && more is not null)
        {
            run.Out.WriteLine($"More devices follow: add {Continuation} {AdminOutput.Safe(more)} (or {All} for every page).");
        }
    }

    private static async Task GetDeviceAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var answer = await run.Client.SendAsync(HttpMethod.Get, $"v1/admin/devices/{Segment(run.Positionals[0])}", cancellationToken: cancellationToken).ConfigureAwait(false);
        var registrations = Array(answer, "registrations");
        if (run.Json)
        {
            run.Out.WriteLine(AdminOutput.Json(answer.Body!));
            return;
        }

        WriteDevices(run.Out, registrations);
    }

    private static async Task SetDeviceStatusAsync(AdminRun run, string verb, CancellationToken cancellationToken)
    {
        var path = $"v1/admin/apps/{Segment(run.Positionals[0])}/devices/{Segment(run.Positionals[1])}/{verb}";
        var answer = await run.Client.SendAsync(HttpMethod.Post, path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (run.Json)
        {
            run.Out.WriteLine(AdminOutput.Json(answer.Body!));
            return;
        }

        WriteDevices(run.Out, [answer.Body!.DeepClone()]);
    }

    private static void WriteDevices(TextWriter writer, JsonArray devices) =>
        AdminOutput.Table(writer, DeviceHeaders,
        [
            .. devices.OfType<JsonObject>().Select(device => (IReadOnlyList<string>)
            [
                .. DeviceFields.Select(field => AdminOutput.Cell(device[field])),
            ]),
        ]);

    private static async Task CreateDebugTokenAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var appId = run.Positionals[0];
        var answer = await run.Client.SendAsync(HttpMethod.Post, $"v1/admin/apps/{Segment(appId)}/debug-tokens", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (run.Json)
        {
            run.Out.WriteLine(AdminOutput.Json(answer.Body!));
            return;
        }

        run.Out.WriteLine($"Debug token for {AdminOutput.Safe(appId)}. It is shown only this once (the backend keeps its SHA-256): hand it to the tester now.");
        run.Out.WriteLine($"  {AdminOutput.Safe(Text(answer.Body, "debugToken"))}");
        run.Out.WriteLine($"id (its device id; 'debug-tokens delete {AdminOutput.Safe(appId)} ID' revokes it): {AdminOutput.Safe(Text(answer.Body, "id"))}");
    }

    private static async Task DeleteDebugTokenAsync(AdminRun run, CancellationToken cancellationToken)
    {
        var (appId, id) = (run.Positionals[0], run.Positionals[1]);
        await run.Client.SendAsync(HttpMethod.Delete, $"v1/admin/apps/{Segment(appId)}/debug-tokens/{Segment(id)}", cancellationToken: cancellationToken).ConfigureAwait(false);
        run.Out.WriteLine(run.Json ? "{}" : $"Deleted debug token {AdminOutput.Safe(id)} of {AdminOutput.Safe(appId)}: it no longer attests or refreshes, and its device is revoked.");
    }

    private sealed record AdminCommand(string Resource, string Verb, string[] Positionals, string[] Options, string[] Flags, string OptionsSynopsis, Func<AdminRun, CancellationToken, Task> RunAsync);

    private sealed record AdminRun(AdminApiClient Client, IReadOnlyList<string> Positionals, CliArguments Arguments, string? Body, bool Json, TextWriter Out, TextWriter Error);
}
