using System.Globalization;

namespace Attestation.LoadTest;

/// <summary>
/// When storage went down and came back, as scripts/load-test.sh fault wrote it: a line <c>down &lt;unix ms&gt;</c> just
/// before it stops Azurite, and <c>up &lt;unix ms&gt;</c> once Azurite listens again. <see cref="Up"/> is null while it has
/// not come back.
/// </summary>
public sealed record StorageOutage(DateTimeOffset Down, DateTimeOffset? Up)
{
    /// <summary>Reads the events; null when there is none (storage never went down).</summary>
    /// <exception cref="FormatException">A malformed line, an <c>up</c> without a <c>down</c>, more than one outage, or up before down.</exception>
    public static StorageOutage? Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        DateTimeOffset? down = null;
        DateTimeOffset? up = null;
        foreach (var line in lines.Select(line => line.Trim()).Where(line => line.Length > 0))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                throw new FormatException("A storage event is \"down <unix ms>\" or \"up <unix ms>\".");
            }

            var at = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            switch (parts[0])
            {
                case "down" when down is null:
                    down = at;
                    break;
                case "up" when down is not null && up is null:
                    up = at >= down ? at : throw new FormatException("Storage came up before it went down.");
                    break;
                default:
                    throw new FormatException("The storage events hold one outage: one \"down\", then at most one \"up\".");
            }
        }

        return down is { } start ? new StorageOutage(start, up) : null;
    }
}

/// <summary>How one route went through the outage; seconds are counted from storage's return.</summary>
public sealed record RouteRecovery(
    string Route,
    int FailuresDuringOutage,
    int SuccessesDuringOutage,
    double? FirstSuccessAfterUpSeconds,
    double? LastFailureAfterUpSeconds);

/// <summary>Every route through one outage. A route counts as failing during the outage when an answer completed between down and up was not a 2xx.</summary>
public sealed record FaultAnalysis(double DownAtSeconds, double? UpAtSeconds, double? OutageSeconds, IReadOnlyList<RouteRecovery> Routes)
{
    public static FaultAnalysis From(StorageOutage outage, IReadOnlyCollection<RequestRecord> records, DateTimeOffset runStart)
    {
        ArgumentNullException.ThrowIfNull(outage);
        ArgumentNullException.ThrowIfNull(records);
        var up = outage.Up ?? DateTimeOffset.MaxValue;
        var routes = new List<RouteRecovery>();
        foreach (var route in ApiRoutes.All)
        {
            var mine = records.Where(record => record.Route == route).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var during = mine.Where(record => record.CompletedAt >= outage.Down && record.CompletedAt <= up).ToList();
            var after = mine.Where(record => outage.Up is not null && record.CompletedAt > up).ToList();
            var firstSuccess = after.Where(record => record.IsSuccess).Select(record => (DateTimeOffset?)record.CompletedAt).Min();
            var lastFailure = after.Where(record => !record.IsSuccess).Select(record => (DateTimeOffset?)record.CompletedAt).Max();
            routes.Add(new RouteRecovery(
                route.Label(),
                during.Count(record => !record.IsSuccess),
                during.Count(record => record.IsSuccess),
                firstSuccess is { } success ? (success - up).TotalSeconds : null,
                lastFailure is { } failure ? (failure - up).TotalSeconds : null));
        }

        return new FaultAnalysis(
            (outage.Down - runStart).TotalSeconds,
            outage.Up is { } back ? (back - runStart).TotalSeconds : null,
            outage.Up is { } end ? (end - outage.Down).TotalSeconds : null,
            routes);
    }
}
