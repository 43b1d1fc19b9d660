using System.Diagnostics;
using System.Diagnostics.Metrics;
using Attestation.Core.Errors;
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

    public AttestationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _attestations = meter.CreateCounter<long>("attestation.attestations", "{attestation}", "Attest requests by app, platform, outcome and refusal code.");
        _refreshes = meter.CreateCounter<long>("attestation.refreshes", "{refresh}", "Token refresh requests by app, platform, outcome and refusal code.");
        _tokensIssued = meter.CreateCounter<long>("attestation.tokens.issued", "{token}", "Tokens signed with the trusted key (decoy tokens not included), by app, platform and flow.");
        _verifications = meter.CreateCounter<long>("attestation.verifications", "{verification}", "Token verifications by outcome and refusal reason.");
        _attestDuration = meter.CreateHistogram<double>("attestation.attest.duration", "s", "Time to answer an attest request, by app, platform and outcome.");
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

    /// <summary>One verification: <c>valid</c>, or <c>invalid</c> with API.md's reason.</summary>
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

/// <summary>
/// What an attest or refresh request came to, filled in as the request proceeds. <see cref="AppId"/> is set only once the
/// app is known to be registered and <see cref="Platform"/> only once it is a known platform, so neither carries caller
/// input of unbounded variety.
/// </summary>
public sealed class FlowOutcome
{
    /// <summary>A token signed with the trusted key was returned.</summary>
    public const string Issued = "issued";

    /// <summary>An error was returned (see the code).</summary>
    public const string Refused = "refused";

    /// <summary>Decoy mode answered a refusal with an untrusted token; the code is the real refusal.</summary>
    public const string Decoy = "decoy";

    /// <summary>A dependency (storage, Key Vault) was down: 503.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Anything else (a cancelled request, a defect).</summary>
    public const string Failed = "failed";

    /// <summary>The registered app, once known.</summary>
    public string? AppId { get; set; }

    /// <summary>The platform, once known to be one of <see cref="Platforms.PlatformNames.All"/>.</summary>
    public string? Platform { get; set; }

    /// <summary>One of the constants of this class; <see cref="Failed"/> until the request ends otherwise.</summary>
    public string Outcome { get; private set; } = Failed;

    /// <summary>The refusal's wire code, for <see cref="Refused"/> and <see cref="Decoy"/>.</summary>
    public string? Code { get; private set; }

    public void MarkIssued() => Outcome = Issued;

    public void MarkRefused(AttestationErrorCode code)
    {
        Outcome = Refused;
        Code = code.ToWireName();
    }

    public void MarkDecoy(AttestationErrorCode code)
    {
        Outcome = Decoy;
        Code = code.ToWireName();
    }

    public void MarkUnavailable() => Outcome = Unavailable;

    internal TagList ToTags(bool withCode, bool withOutcome = true)
    {
        var tags = default(TagList);
        if (AppId is not null)
        {
            tags.Add("app", AppId);
        }

        if (Platform is not null)
        {
            tags.Add("platform", Platform);
        }

        if (withOutcome)
        {
            tags.Add("outcome", Outcome);
        }

        if (withCode && Code is not null)
        {
            tags.Add("code", Code);
        }

        return tags;
    }
}
