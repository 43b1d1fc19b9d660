using System.Diagnostics;
using System.Diagnostics.Metrics;
using Attestation.Core.Errors;
using Attestation.Core.Tokens;

namespace Attestation.Core.Telemetry;

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
