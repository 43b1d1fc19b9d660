using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Apple;

/// <summary>The refusals both App Attest verifiers raise, worded one way.</summary>
internal static class AppleRefusals
{
    // docs/quirks.md: every detail says whether a retry can help, so that no client attests a new key (Apple rate-limits
    // attestation) where retrying could never succeed, nor gives up where a new challenge would.

    /// <summary><c>attestation_invalid</c>: forged or broken evidence.</summary>
    public static AttestationException AttestationInvalid(string detail) =>
        new(AttestationErrorCode.AttestationInvalid, detail + " Retrying with the same evidence cannot succeed.");

    /// <summary><c>policy_violation</c>: genuine evidence that the app's configuration refuses.</summary>
    public static AttestationException PolicyViolation(string detail) =>
        new(AttestationErrorCode.PolicyViolation, detail + " Retrying cannot succeed unless the app's configuration changes.");

    /// <summary><c>policy_violation</c>: the app has no team id and bundle id to make its App ID of.</summary>
    public static AttestationException NoAppId() =>
        PolicyViolation("App Attest is not configured for this app (no Apple team and bundle id).");

    /// <summary>
    /// The result of <paramref name="read"/>, whose <see cref="FormatException"/> becomes <paramref name="code"/>: the
    /// evidence named <paramref name="what"/> does not have App Attest's shape.
    /// </summary>
    public static T ReadOrRefuse<T>(Func<T> read, AttestationErrorCode code, string what)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            // The reader's message names the field and never echoes the input.
            throw new AttestationException(code, $"The {what} cannot be read: {e.Message} Retrying with the same bytes cannot succeed.");
        }
    }
}
