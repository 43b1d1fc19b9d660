namespace Attestation.Core.Errors;

/// <summary>
/// The one place where a code becomes an action (docs/api.md, "What the app does next"). A refusal whose right next step
/// depends on more than its code (a key registered twice, two refreshes that raced) names its action where it is raised.
/// </summary>
public static class AttestationActions
{
    /// <summary>The action a refusal with <paramref name="code"/> carries unless it names another.</summary>
    public static AttestationAction For(AttestationErrorCode code) => code switch
    {
        AttestationErrorCode.ChallengeInvalid => AttestationAction.NewChallenge,

        // A proof that does not verify with the registered key will not verify on a retry either: the key is gone or was
        // never this device's, and attesting again is the only way back.
        AttestationErrorCode.ProofInvalid
            or AttestationErrorCode.DeviceUnknown
            or AttestationErrorCode.RefreshUnsupported
            or AttestationErrorCode.AttestationRequired => AttestationAction.Attest,
        AttestationErrorCode.Unavailable => AttestationAction.RetryLater,
        AttestationErrorCode.AttestationInvalid
            or AttestationErrorCode.PolicyViolation
            or AttestationErrorCode.DeviceRevoked => AttestationAction.Stop,

        // The caller's request or configuration is wrong: the operator-facing codes of the admin API and verify belong here.
        AttestationErrorCode.InvalidRequest
            or AttestationErrorCode.AppUnknown
            or AttestationErrorCode.AppExists
            or AttestationErrorCode.AppChanged
            or AttestationErrorCode.DebugTokenUnknown
            or AttestationErrorCode.Unauthenticated
            or AttestationErrorCode.Forbidden
            or AttestationErrorCode.NotFound => AttestationAction.FixRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    public static string ToWireName(this AttestationAction action) => action switch
    {
        AttestationAction.NewChallenge => "new_challenge",
        AttestationAction.Attest => "attest",
        AttestationAction.NewKey => "new_key",
        AttestationAction.RetryLater => "retry_later",
        AttestationAction.FixRequest => "fix_request",
        AttestationAction.Stop => "stop",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
