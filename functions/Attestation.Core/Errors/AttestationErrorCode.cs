namespace Attestation.Core.Errors;

/// <summary>The stable error codes of the HTTP contract (API.md). Each maps to one problem+json <c>code</c> string.</summary>
public enum AttestationErrorCode
{
    InvalidRequest,
    AppUnknown,
    ChallengeInvalid,
    AttestationInvalid,
    PolicyViolation,
    DeviceRevoked,
    DeviceUnknown,
    ProofInvalid,
    RefreshUnsupported,
    Unavailable,
}

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
        AttestationErrorCode.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };
}
