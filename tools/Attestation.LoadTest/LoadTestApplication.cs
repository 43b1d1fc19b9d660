using System.Collections.Concurrent;
using System.Diagnostics;

namespace Attestation.LoadTest;

/// <summary>Parses the command line, loads the backend, checks every attested device afterwards, and reports.</summary>
public static class LoadTestApplication
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <returns>0 when every invariant held, 1 when one failed, 2 on a usage error or when no backend answers.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(LoadTestOptions.Usage);
            return 0;
        }

        LoadTestOptions options;
        try
        {
            options = LoadTestOptions.Parse(args);
        }
        catch (LoadTestUsageException usage)
        {
            await error.WriteLineAsync($"load test: {usage.Message}\n\n{LoadTestOptions.Usage}");
            return 2;
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Devices + 8, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = RequestTimeout };
        try
        {
            // Any HTTP answer will do (a degraded backend answers 503): this only finds a wrong address before loading it.
            using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"load test: no backend answers at {options.Url} ({unreachable.GetType().Name}). Start it with scripts/run-local.sh or use scripts/load-test.sh.");
            return 2;
        }

        var report = await RunLoadAsync(options, new AttestationApiClient(http, options.VerifyKey));
        await output.WriteLineAsync(options.Report == ReportFormat.Json ? LoadReportWriter.Json(report) : LoadReportWriter.Text(report));
        return report.Passed ? 0 : 1;
    }

    private static async Task<LoadReport> RunLoadAsync(LoadTestOptions options, AttestationApiClient api)
    {
        var attested = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var pacer = options.Rate > 0 ? new RatePacer(options.Rate, TimeProvider.System) : null;
        var devices = Enumerable.Range(0, options.Devices)
            .Select(i => new VirtualDevice(api, options, options.DebugTokens[i % options.DebugTokens.Count], pacer, attested))
            .ToList();

        using var stop = new CancellationTokenSource(options.Duration);
        using var abort = new CancellationTokenSource(options.Duration + RequestTimeout + RequestTimeout);
        ConsoleCancelEventHandler interrupt = (_, press) =>
        {
            press.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += interrupt;
        var runStart = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(devices.Select(device => Task.Run(() => device.RunAsync(stop.Token, abort.Token))));
        }
        finally
        {
            Console.CancelKeyPress -= interrupt;
        }

        var elapsed = clock.Elapsed;
        var records = devices.SelectMany(device => device.Records).ToList();
        var wrongAnswers = devices.SelectMany(device => device.WrongAnswers).OrderBy(answer => answer.At).ToList();

        // Read only now: the script writes "up" while the load runs, and the analysis needs both ends of the outage.
        var failures = new List<string>();
        FaultAnalysis? fault = null;
        if (options.StorageEventsFile is { } eventsFile)
        {
            try
            {
                var outage = StorageOutage.Parse(File.Exists(eventsFile) ? File.ReadLines(eventsFile) : []);
                fault = outage is null ? null : FaultAnalysis.From(outage, records, runStart);
            }
            catch (Exception unreadable) when (unreadable is FormatException or IOException)
            {
                failures.Add($"The storage events file could not be read: {unreadable.Message}");
            }
        }

        if (options.TimelineFile is { } timeline)
        {
            await File.WriteAllLinesAsync(timeline, RequestTimeline.Csv(records));
        }

        var checks = await CheckAttestedDevicesAsync(api, options, attested);
        failures.AddRange(InvariantCheck.Evaluate(records, wrongAnswers, checks, options.DevicesShareIds, options.StorageEventsFile is not null, fault, options.RecoveryLimit));
        return new LoadReport(
            options.Url.ToString(),
            options.Devices,
            options.DebugTokens.Count,
            options.Duration.TotalSeconds,
            options.Rate,
            options.VerifiesPerToken,
            options.ConsumeShare,
            runStart,
            LoadSummary.From(records, elapsed, wrongAnswers),
            fault,
            checks.Count,
            checks.Count(check => check.Passed),
            failures);
    }

    /// <summary>docs/api.md: a device that attested once refreshes without attesting again. Every one the run registered must still can.</summary>
    private static async Task<IReadOnlyList<DeviceCheck>> CheckAttestedDevicesAsync(AttestationApiClient api, LoadTestOptions options, ConcurrentDictionary<string, string> attested)
    {
        var checks = new ConcurrentBag<DeviceCheck>();
        await Parallel.ForEachAsync(attested, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (device, cancellationToken) =>
        {
            var challenge = await api.PostAsync(ApiRoute.Challenge, new { appId = options.AppId }, cancellationToken);
            if (!challenge.Record.IsSuccess || challenge.Text("challenge") is not { } text)
            {
                checks.Add(new DeviceCheck(device.Key, challenge.Record.Status, challenge.Record.Code, "the challenge before it was refused"));
                return;
            }

            var refreshed = await api.PostAsync(ApiRoute.Refresh, new
            {
                appId = options.AppId,
                deviceId = device.Key,
                challenge = text,
                proof = new { debugToken = device.Value },
            }, cancellationToken);
            var problem = refreshed.Record.IsSuccess && refreshed.Text("deviceId") != device.Key ? "a token for another device" : null;
            checks.Add(new DeviceCheck(device.Key, refreshed.Record.Status, refreshed.Record.Code, problem));
        });
        return checks.OrderBy(check => check.DeviceId, StringComparer.Ordinal).ToList();
    }
}
