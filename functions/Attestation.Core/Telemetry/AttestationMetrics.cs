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
    private readonly Counter<long> _appleReceiptRefreshes;
    private readonly Histogram<long> _appleRiskMetric;
    private readonly Histogram<long> _batchCertificateDevices;
    private readonly Counter<long> _devicesRegistered;
    private readonly Counter<long> _deviceRevocations;
    private readonly Counter<long> _signingKeyLoads;

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
        _appleReceiptRefreshes = meter.CreateCounter<long>("attestation.apple.receipt_refreshes", "{call}",
            "App Attest receipt exchanges with Apple's App Attest server, by app and outcome.");
        _appleRiskMetric = meter.CreateHistogram<long>("attestation.apple.risk_metric", "{key}",
            "Risk metrics read from Apple's new receipts (keys attested recently on that app instance), by app.");
        _batchCertificateDevices = meter.CreateHistogram<long>("attestation.android.batch_certificate.devices", "{device}",
            "Distinct attested keys seen under the batch certificate of a factory-provisioned Android chain, at each such attestation, by app.");
        _devicesRegistered = meter.CreateCounter<long>("attestation.devices.registered", "{device}", "New device registrations, by app and platform.");
        _deviceRevocations = meter.CreateCounter<long>("attestation.devices.revocations", "{device}", "Device revocations and restorations by an operator, by app and action.");
        _signingKeyLoads = meter.CreateCounter<long>("attestation.signing_key.loads", "{load}", "Reads of the token signing key from Key Vault, by outcome.");
    }

    /// <summary>
    /// One exchange of a receipt with Apple's App Attest server, or one not made: <paramref name="outcome"/> is <c>ok</c>,
    /// <c>not_modified</c>, <c>not_found</c>, <c>throttled</c>, <c>invalid</c> (an answer that does not parse or verify) or
    /// <c>error</c>.
    /// </summary>
    public void RecordAppleReceiptRefresh(string appId, string outcome) =>
        _appleReceiptRefreshes.Add(1, new KeyValuePair<string, object?>("app", appId), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>The risk metric of a new receipt from Apple's server.</summary>
    public void RecordAppleRiskMetric(string appId, long riskMetric) =>
        _appleRiskMetric.Record(riskMetric, new KeyValuePair<string, object?>("app", appId));

    /// <summary>The distinct attested keys counted under a factory batch certificate, at an attestation chaining to it.</summary>
    public void RecordBatchCertificateDevices(string appId, long devices) =>
        _batchCertificateDevices.Record(devices, new KeyValuePair<string, object?>("app", appId));

    /// <summary>A device registered for the first time for an app.</summary>
    public void RecordDeviceRegistered(string appId, string platform) =>
        _devicesRegistered.Add(1, new KeyValuePair<string, object?>("app", appId), new KeyValuePair<string, object?>("platform", platform));

    /// <summary>An operator's revocation (<c>revoke</c>) or restoration (<c>restore</c>) of a device.</summary>
    public void RecordDeviceRevocation(string appId, string action) =>
        _deviceRevocations.Add(1, new KeyValuePair<string, object?>("app", appId), new KeyValuePair<string, object?>("action", action));

    /// <summary>A read of the signing key from Key Vault: <c>ok</c> or <c>failed</c>.</summary>
    public void RecordSigningKeyLoad(string outcome) =>
        _signingKeyLoads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

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
