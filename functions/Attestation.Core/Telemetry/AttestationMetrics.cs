using System.Diagnostics;
using System.Diagnostics.Metrics;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Tokens;

namespace Attestation.Core.Telemetry;

/// <summary>
/// The backend's instruments, on the meter <see cref="MeterName"/>. Tags are bounded sets only: a registered app id, a known
/// platform, an outcome and a wire code. Nothing a caller chooses freely (an unregistered app id, a device id, a token, a
/// debug token) ever becomes a tag: it would leak a secret or explode the number of time series.
/// </summary>
public sealed class AttestationMetrics
{
    /// <summary>The meter name to subscribe to (OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters</c>).</summary>
    public const string MeterName = "Attestation";

    private readonly Counter<long> _attestations;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _verifications;
    private readonly Histogram<double> _attestDuration;
    private readonly Counter<long> _googleCalls;

    public AttestationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _attestations = meter.CreateCounter<long>("attestation.attestations", "{attestation}", "Attest requests by app, platform, outcome and refusal code.");
        _refreshes = meter.CreateCounter<long>("attestation.refreshes", "{refresh}", "Token refresh requests by app, platform, outcome and refusal code.");
        _tokensIssued = meter.CreateCounter<long>("attestation.tokens.issued", "{token}", "Tokens signed with the trusted key (decoy tokens not included), by app, platform and flow.");
        _verifications = meter.CreateCounter<long>("attestation.verifications", "{verification}", "Token verifications by outcome and refusal reason.");
        _attestDuration = meter.CreateHistogram<double>("attestation.attest.duration", "s", "Time to answer an attest request, by app, platform and outcome.");
        _googleCalls = meter.CreateCounter<long>("attestation.play_integrity.google_calls", "{call}",
            "Play Integrity decodeIntegrityToken calls by package and outcome; breaker_open and budget_exhausted count calls not made.");
    }

    /// <summary>One attest request: its counter, its latency, and the token it issued if any.</summary>
    public void RecordAttestation(FlowOutcome outcome, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _attestations.Add(1, outcome.ToTags(withCode: true));
        _attestDuration.Record(duration.TotalSeconds, outcome.ToTags(withCode: false));
        RecordIssued(outcome, "attest");
    }

    /// <summary>One refresh request, and the token it issued if any.</summary>
    public void RecordRefresh(FlowOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _refreshes.Add(1, outcome.ToTags(withCode: true));
        RecordIssued(outcome, "refresh");
    }

    /// <summary>One verification: <c>valid</c>, or <c>invalid</c> with docs/api.md's reason.</summary>
    public void RecordVerification(TokenRefusal? refusal)
    {
        var tags = new TagList { { "outcome", refusal is null ? "valid" : "invalid" } };
        if (refusal is { } reason)
        {
            tags.Add("reason", TokenValidator.ToWireName(reason));
        }

        _verifications.Add(1, tags);
    }

    /// <summary>A verification that could not be answered because a dependency was down.</summary>
    public void RecordVerificationUnavailable() => _verifications.Add(1, new KeyValuePair<string, object?>("outcome", FlowOutcome.Unavailable));

    /// <summary>
    /// One decode call to Google, or one the guard did not make. <paramref name="packageName"/> comes from a registered app's
    /// policy, never from the request.
    /// </summary>
    public void RecordGoogleCall(string packageName, GoogleCallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(packageName);
        _googleCalls.Add(1, new KeyValuePair<string, object?>("package", packageName), new KeyValuePair<string, object?>("outcome", ToWireName(outcome)));
    }

    /// <summary>The <c>outcome</c> tag of <c>attestation.play_integrity.google_calls</c>.</summary>
    public static string ToWireName(GoogleCallOutcome outcome) => outcome switch
    {
        GoogleCallOutcome.Ok => "ok",
        GoogleCallOutcome.Refused => "refused",
        GoogleCallOutcome.Throttled => "throttled",
        GoogleCallOutcome.Error => "error",
        GoogleCallOutcome.BreakerOpen => "breaker_open",
        GoogleCallOutcome.BudgetExhausted => "budget_exhausted",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private void RecordIssued(FlowOutcome outcome, string flow)
    {
        if (outcome.Outcome == FlowOutcome.Issued)
        {
            var tags = outcome.ToTags(withCode: false, withOutcome: false);
            tags.Add("flow", flow);
            _tokensIssued.Add(1, tags);
        }
    }
}
