namespace Attestation.LoadTest;

/// <summary>A count of non-2xx answers (or transport failures, status 0) with one status and problem code on one route.</summary>
public sealed record ErrorCount(string Route, int Status, string? Code, int Count, int WithRetryAfter);

/// <summary>One route's figures. Latencies are of 2xx answers, in milliseconds: a fast refusal would flatter them.</summary>
public sealed record RouteSummary(
    string Route,
    int Count,
    int Successes,
    double RequestsPerSecond,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs);

/// <summary>Every figure of a run, computed from its records alone.</summary>
public sealed record LoadSummary(
    double ElapsedSeconds,
    IReadOnlyList<RouteSummary> Routes,
    RouteSummary Total,
    IReadOnlyList<ErrorCount> Errors,
    IReadOnlyList<WrongAnswer> WrongAnswers)
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="elapsed"/> is not positive.</exception>
    public static LoadSummary From(IReadOnlyCollection<RequestRecord> records, TimeSpan elapsed, IReadOnlyList<WrongAnswer> wrongAnswers)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(wrongAnswers);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(elapsed, TimeSpan.Zero);
        var routes = ApiRoutes.All
            .Select(route => Summarize(route.Label(), records.Where(record => record.Route == route).ToList(), elapsed))
            .Where(summary => summary.Count > 0)
            .ToList();
        var errors = records
            .Where(record => !record.IsSuccess)
            .GroupBy(record => (record.Route, record.Status, Code: record.IsTransportError ? record.TransportError : record.Code))
            .OrderBy(group => group.Key.Route).ThenBy(group => group.Key.Status).ThenBy(group => group.Key.Code, StringComparer.Ordinal)
            .Select(group => new ErrorCount(group.Key.Route.Label(), group.Key.Status, group.Key.Code, group.Count(), group.Count(record => record.HasRetryAfter)))
            .ToList();
        return new LoadSummary(elapsed.TotalSeconds, routes, Summarize("all", records, elapsed), errors, wrongAnswers);
    }

    private static RouteSummary Summarize(string name, IReadOnlyCollection<RequestRecord> records, TimeSpan elapsed)
    {
        var latencies = records.Where(record => record.IsSuccess).Select(record => record.Latency.TotalMilliseconds).Order().ToList();
        return new RouteSummary(
            name,
            records.Count,
            latencies.Count,
            records.Count / elapsed.TotalSeconds,
            Percentiles.NearestRank(latencies, 50),
            Percentiles.NearestRank(latencies, 95),
            Percentiles.NearestRank(latencies, 99),
            latencies.Count > 0 ? latencies[^1] : null);
    }
}
