namespace Attestation.Core.Errors;

/// <summary>Wire names of <see cref="AttestationErrorCode"/>.</summary>
public static class AttestationErrorCodes
{
    public static string ToWireName(this AttestationErrorCode code) => code switch
    {
        AttestationErrorCode.InvalidRequest => "invalid_request",
        AttestationErrorCode.AppUnknown => "app_unknown",
        AttestationErrorCode.ChallengeInvalid => "challenge_invalid",
        AttestationErrorCode.AttestationInvalid => "attestation_invalid",
        AttestationErrorCode.PolicyViolation => "policy_violation",
        AttestationErrorCode.DeviceRevoked => "device_revoked",
        AttestationErrorCode.DeviceUnknown => "device_unknown",
        AttestationErrorCode.ProofInvalid => "proof_invalid",
        AttestationErrorCode.RefreshUnsupported => "refresh_unsupported",
        AttestationErrorCode.AttestationRequired => "attestation_required",
        AttestationErrorCode.Unavailable => "unavailable",
        AttestationErrorCode.AppExists => "app_exists",
        AttestationErrorCode.AppChanged => "app_changed",
        AttestationErrorCode.DebugTokenUnknown => "debug_token_unknown",
        AttestationErrorCode.Unauthenticated => "unauthenticated",
        AttestationErrorCode.Forbidden => "forbidden",
        AttestationErrorCode.NotFound => "not_found",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };
}
