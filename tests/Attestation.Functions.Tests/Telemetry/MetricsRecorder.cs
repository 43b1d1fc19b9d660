using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Attestation.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>
/// Listens to the <see cref="AttestationMetrics.MeterName"/> meter of ONE running backend (the meter its own IMeterFactory
/// created, so backends of other test classes running at the same time are not heard) and keeps every measurement.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public MetricsRecorder(RunningBackend backend)
    {
        var factory = backend.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AttestationMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyCollection<RecordedMeasurement> All => _measurements;

    /// <summary>The measurements of <paramref name="instrument"/> that carry all of <paramref name="tags"/>.</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument, params (string Key, string? Value)[] tags) =>
        [.. _measurements.Where(m => m.Instrument == instrument && m.Has(tags))];

    /// <summary>The sum of <paramref name="instrument"/>'s measurements that carry all of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string? Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, value, copy));
    }
}
