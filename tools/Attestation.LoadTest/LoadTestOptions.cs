using System.Globalization;
using System.Net;

namespace Attestation.LoadTest;

/// <summary>What the report looks like: a table for people, or one JSON document for scripts.</summary>
public enum ReportFormat
{
    Text,
    Json,
}

/// <summary>The command line of the load test, checked as a whole before anything is sent.</summary>
public sealed record LoadTestOptions
{
    public const string Usage = """
        Usage: Attestation.LoadTest [options]
          --url URL                 backend base address (default http://127.0.0.1:7071); loopback only unless --allow-remote
          --allow-remote            allow a non-loopback --url (only against a backend you own)
          --devices N               closed-loop virtual devices, 1 to 1000 (default 16)
          --duration D              how long to load: 30s, 2m, 1h, 500ms or seconds (default 30s)
          --verifies-per-token K    verifies of each issued token, 0 to 100 (default 3)
          --consume-share P         share of flows that end with a consuming verify (and a second one), 0 to 1 (default 0.2)
          --rate R                  constant rate in requests/s over all devices (default 0: closed loop, as fast as answered)
          --report text|json        a table (default) or one JSON document on standard output
          --app APP_ID              the app (default com.contoso.demo)
          --debug-token TOKEN       a debug token registered for the app; repeatable (default local-debug-token)
          --debug-tokens-file FILE  debug tokens, one a line; device i uses token i modulo their number
          --verify-key KEY          sent to verify as x-functions-key (the local sample configures none)
          --storage-events FILE     fault mode: lines "down <unix ms>" and "up <unix ms>" written while the load runs
          --recovery-limit D        fault mode: longest wait from storage up to each route's first 2xx (default 10s)
          --timeline FILE           write every request as CSV: route, start (unix ms), latency (ms), status, code
        Exit status: 0 when every invariant held, 1 when one failed, 2 on a usage error.
        """;

    public Uri Url { get; init; } = new("http://127.0.0.1:7071");

    public int Devices { get; init; } = 16;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public int VerifiesPerToken { get; init; } = 3;

    public double ConsumeShare { get; init; } = 0.2;

    /// <summary>Requests per second over all devices; 0 runs closed loop.</summary>
    public double Rate { get; init; }

    public ReportFormat Report { get; init; } = ReportFormat.Text;

    public string AppId { get; init; } = "com.contoso.demo";

    public IReadOnlyList<string> DebugTokens { get; init; } = ["local-debug-token"];

    public string? VerifyKey { get; init; }

    public string? StorageEventsFile { get; init; }

    public TimeSpan RecoveryLimit { get; init; } = TimeSpan.FromSeconds(10);

    public string? TimelineFile { get; init; }

    /// <summary>True when devices outnumber debug tokens, so that some share a device id and their refreshes may race.</summary>
    public bool DevicesShareIds => DebugTokens.Count < Devices;

    private static readonly HashSet<string> ValueOptions =
    [
        "--url", "--devices", "--duration", "--verifies-per-token", "--consume-share", "--rate", "--report", "--app",
        "--debug-token", "--debug-tokens-file", "--verify-key", "--storage-events", "--recovery-limit", "--timeline",
    ];

    /// <summary>Parses and checks the command line. <paramref name="readFile"/> reads <c>--debug-tokens-file</c> (tests pass their own).</summary>
    /// <exception cref="LoadTestUsageException">An unknown option, a missing or malformed value, a value out of range, or a remote URL without --allow-remote.</exception>
    public static LoadTestOptions Parse(IReadOnlyList<string> args, Func<string, IEnumerable<string>>? readFile = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        readFile ??= File.ReadLines;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var tokens = new List<string>();
        var allowRemote = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--allow-remote")
            {
                allowRemote = true;
                continue;
            }

            if (!ValueOptions.Contains(name))
            {
                throw new LoadTestUsageException($"unknown option '{name}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new LoadTestUsageException($"{name} needs a value.");
            }

            var value = args[++i];
            if (name == "--debug-token")
            {
                tokens.Add(value);
            }
            else if (!values.TryAdd(name, value))
            {
                throw new LoadTestUsageException($"{name} is given twice.");
            }
        }

        if (values.TryGetValue("--debug-tokens-file", out var tokenFile))
        {
            try
            {
                tokens.AddRange(readFile(tokenFile).Select(line => line.Trim()).Where(line => line.Length > 0));
            }
            catch (IOException failure)
            {
                throw new LoadTestUsageException($"--debug-tokens-file: cannot read {tokenFile} ({failure.GetType().Name}).", failure);
            }
        }

        var options = new LoadTestOptions
        {
            Url = ReadUrl(values.GetValueOrDefault("--url") ?? "http://127.0.0.1:7071", allowRemote),
            Devices = ReadInteger(values, "--devices", 16, 1, 1000),
            Duration = ReadDuration(values, "--duration", TimeSpan.FromSeconds(30)),
            VerifiesPerToken = ReadInteger(values, "--verifies-per-token", 3, 0, 100),
            ConsumeShare = ReadNumber(values, "--consume-share", 0.2, 0, 1),
            Rate = ReadNumber(values, "--rate", 0, 0, 100_000),
            Report = values.GetValueOrDefault("--report") switch
            {
                null or "text" => ReportFormat.Text,
                "json" => ReportFormat.Json,
                _ => throw new LoadTestUsageException("--report must be text or json."),
            },
            AppId = values.GetValueOrDefault("--app") ?? "com.contoso.demo",
            DebugTokens = tokens.Count > 0 ? tokens.Distinct(StringComparer.Ordinal).ToArray() : ["local-debug-token"],
            VerifyKey = values.GetValueOrDefault("--verify-key"),
            StorageEventsFile = values.GetValueOrDefault("--storage-events"),
            RecoveryLimit = ReadDuration(values, "--recovery-limit", TimeSpan.FromSeconds(10)),
            TimelineFile = values.GetValueOrDefault("--timeline"),
        };
        if (options.AppId.Length is 0 or > 128)
        {
            throw new LoadTestUsageException("--app must be 1 to 128 characters.");
        }

        return options;
    }

    /// <summary>Reads <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c> or a bare number of seconds; at least 1 ms, at most a day.</summary>
    /// <exception cref="LoadTestUsageException">Not one of those forms, or out of range.</exception>
    public static TimeSpan ParseDuration(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount * unit < 0.001 || amount * unit > 86_400)
        {
            throw new LoadTestUsageException($"{option} must be a duration such as 30s, 2m, 1h or 500ms, from 1 ms to 24 h; got '{text}'.");
        }

        return TimeSpan.FromSeconds(amount * unit);
    }

    private static Uri ReadUrl(string text, bool allowRemote)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            throw new LoadTestUsageException($"--url must be an http(s) base address without a path, such as http://127.0.0.1:7071; got '{text}'.");
        }

        // A load generator is a denial-of-service tool: by default it only loads the machine it runs on.
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
        if (!loopback && !allowRemote)
        {
            throw new LoadTestUsageException($"--url {url.Host} is not a loopback address; pass --allow-remote to load a backend you own elsewhere.");
        }

        return url;
    }

    private static int ReadInteger(Dictionary<string, string> values, string option, int fallback, int min, int max)
    {
        if (!values.TryGetValue(option, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new LoadTestUsageException($"{option} must be a whole number from {min} to {max}; got '{text}'.");
    }

    private static double ReadNumber(Dictionary<string, string> values, string option, double fallback, double min, double max)
    {
        if (!values.TryGetValue(option, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new LoadTestUsageException($"{option} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}; got '{text}'.");
    }

    private static TimeSpan ReadDuration(Dictionary<string, string> values, string option, TimeSpan fallback) =>
        values.TryGetValue(option, out var text) ? ParseDuration(text, option) : fallback;
}
