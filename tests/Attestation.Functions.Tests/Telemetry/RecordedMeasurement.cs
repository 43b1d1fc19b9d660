using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Attestation.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>One measurement of the backend's meter: the instrument, the value and the tags.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    /// <summary>True when every given tag is present with that value (other tags may be present too).</summary>
    public bool Has(params (string Key, string? Value)[] tags) =>
        tags.All(t => t.Value is null ? !Tags.ContainsKey(t.Key) : Tags.TryGetValue(t.Key, out var v) && v == t.Value);
}
