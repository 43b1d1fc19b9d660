using System.Globalization;

namespace Attestation.LoadTest;

/// <summary>Every request of a run as CSV lines, in start order, for plotting an outage second by second.</summary>
public static class RequestTimeline
{
    public const string Header = "route,started_unix_ms,latency_ms,status,code";

    public static IEnumerable<string> Csv(IEnumerable<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        yield return Header;
        foreach (var record in records.OrderBy(record => record.StartedAt))
        {
            // Codes and transport error names are the contract's short words or .NET type names: no comma, no quote.
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"{record.Route.Label()},{record.StartedAt.ToUnixTimeMilliseconds()},{record.Latency.TotalMilliseconds:0.###},{record.Status},{record.Code ?? record.TransportError}");
        }
    }
}
