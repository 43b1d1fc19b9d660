using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Attestation.LoadTest;

/// <summary>Everything a run found: its settings, the figures per route, the outage if there was one, and each broken invariant.</summary>
public sealed record LoadReport(
    string Url,
    int Devices,
    int DebugTokens,
    double DurationSeconds,
    double Rate,
    int VerifiesPerToken,
    double ConsumeShare,
    DateTimeOffset StartedAt,
    LoadSummary Summary,
    FaultAnalysis? Fault,
    int DevicesAttested,
    int DevicesRefreshedAfterwards,
    IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>Writes a <see cref="LoadReport"/> as a table or as JSON.</summary>
public static class LoadReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Json(LoadReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static string Text(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        var summary = report.Summary;
        var mode = report.Rate > 0 ? Format($"constant rate {report.Rate:0.#} requests/s") : "closed loop";
        text.AppendLine(Format($"Load test of {report.Url}: {report.Devices} devices ({report.DebugTokens} debug token(s)), {mode}, {summary.ElapsedSeconds:0.0} s, {report.VerifiesPerToken} verifies per token, consume share {report.ConsumeShare:0.00}"));
        text.AppendLine(Format($"started {report.StartedAt:yyyy-MM-ddTHH:mm:ss.fffZ}; latencies of 2xx answers, in ms"));
        text.AppendLine();
        text.AppendLine(Format($"{"route",-15} {"requests",9} {"2xx",9} {"req/s",9} {"p50",8} {"p95",8} {"p99",8} {"max",8}"));
        foreach (var route in summary.Routes.Append(summary.Total))
        {
            text.AppendLine(Format($"{route.Route,-15} {route.Count,9} {route.Successes,9} {route.RequestsPerSecond,9:0.0} {Ms(route.P50Ms),8} {Ms(route.P95Ms),8} {Ms(route.P99Ms),8} {Ms(route.MaxMs),8}"));
        }

        text.AppendLine();
        if (summary.Errors.Count == 0)
        {
            text.AppendLine("Non-2xx answers: none.");
        }
        else
        {
            text.AppendLine("Non-2xx answers (status 0: no HTTP answer):");
            foreach (var error in summary.Errors)
            {
                var retryAfter = error.Status == 503 ? Format($", {error.WithRetryAfter} with Retry-After, {error.Count - error.WithRetryAfter} without") : string.Empty;
                text.AppendLine(Format($"  {error.Route,-15} {error.Status,3} {error.Code ?? "(no code)",-22} {error.Count,7}{retryAfter}"));
            }
        }

        text.AppendLine(Format($"Devices attested: {report.DevicesAttested}; refreshed afterwards: {report.DevicesRefreshedAfterwards} of {report.DevicesAttested}."));
        if (report.Fault is { } fault)
        {
            text.AppendLine();
            text.AppendLine(Format($"Storage outage: down at +{fault.DownAtSeconds:0.00} s, up at {Seconds(fault.UpAtSeconds, "+")}, {Seconds(fault.OutageSeconds, string.Empty)} down."));
            text.AppendLine(Format($"{"route",-15} {"failed while down",18} {"2xx while down",15} {"first 2xx after up",19} {"last failure after up",22}"));
            foreach (var route in fault.Routes)
            {
                text.AppendLine(Format($"{route.Route,-15} {route.FailuresDuringOutage,18} {route.SuccessesDuringOutage,15} {Seconds(route.FirstSuccessAfterUpSeconds, "+"),19} {Seconds(route.LastFailureAfterUpSeconds, "+"),22}"));
            }
        }

        text.AppendLine();
        if (report.Passed)
        {
            text.AppendLine("Invariants: all held.");
        }
        else
        {
            text.AppendLine("Invariants FAILED:");
            foreach (var failure in report.Failures)
            {
                text.AppendLine("  - " + failure);
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string Ms(double? value) => value is { } ms ? ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "-";

    private static string Seconds(double? value, string sign) => value is { } seconds ? sign + seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "-";

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
