using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore;

/// <summary>
/// The counter <c>attestation.token.checks</c> (meter <c>Attestation.AspNetCore</c>), tagged <c>outcome</c> = accepted,
/// refused or would_refuse (rollout mode) and <c>reason</c> (<see cref="AttestationTokenRefusals"/>), <c>scheme</c>: the
/// figures that tell when a rollout can be enforced.
/// </summary>
internal sealed class AttestationTokenMetrics
{
    private readonly Counter<long> _checks;

    public AttestationTokenMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AttestationTokenDefaults.MeterName);
        _checks = meter.CreateCounter<long>("attestation.token.checks", description: "Attestation tokens checked, by outcome and refusal reason.");
    }

    public void Count(string scheme, string outcome, string? reason) =>
        _checks.Add(1,
            new KeyValuePair<string, object?>("scheme", scheme),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("reason", reason ?? "none"));
}

/// <summary>The handler's log lines: the reason and the scheme, never the token.</summary>
internal static partial class AttestationTokenLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Attestation token refused by {Scheme}: {Reason}")]
    public static partial void Refused(ILogger logger, string scheme, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Attestation token would be refused by {Scheme} ({Reason}), but Enforce is false: the request goes through")]
    public static partial void WouldRefuse(ILogger logger, string scheme, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Attestation token check of {Scheme} cannot run: {Dependency} unavailable; answering 503")]
    public static partial void Unavailable(ILogger logger, string scheme, string dependency, Exception exception);
}
