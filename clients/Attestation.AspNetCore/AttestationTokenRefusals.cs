namespace Attestation.AspNetCore;

/// <summary>
/// Why a token was refused: the backend verify's <c>reason</c> values (docs/api.md, "POST /api/v1/verify"), plus
/// <see cref="Missing"/> and <see cref="KeysUnavailable"/>, which verify never answers. They go to logs and metrics only:
/// the response says <c>attestation_token_invalid</c> like the edge, so a caller holding a decoy token cannot tell it
/// from any other refused token.
/// </summary>
public static class AttestationTokenRefusals
{
    public const string Missing = "missing";
    public const string Malformed = "malformed";
    public const string BadSignature = "bad_signature";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string WrongIssuer = "wrong_issuer";
    public const string WrongAudience = "wrong_audience";
    public const string WrongApp = "wrong_app";
    public const string WrongPlatform = "wrong_platform";
    public const string BindingMismatch = "binding_mismatch";
    public const string AlreadyConsumed = "already_consumed";
    public const string DeviceRevoked = "device_revoked";

    /// <summary>The keys (or verify) could not be reached: 503 <c>unavailable</c>, not a judgement on the token.</summary>
    public const string KeysUnavailable = "unavailable";

    /// <summary>A reason from verify as one of the constants above (never the remote text itself), for logs and metrics.</summary>
    internal static string FromVerify(string? reason) => reason switch
    {
        Malformed => Malformed,
        BadSignature => BadSignature,
        Expired => Expired,
        NotYetValid => NotYetValid,
        WrongIssuer => WrongIssuer,
        WrongAudience => WrongAudience,
        WrongApp => WrongApp,
        WrongPlatform => WrongPlatform,
        BindingMismatch => BindingMismatch,
        AlreadyConsumed => AlreadyConsumed,
        DeviceRevoked => DeviceRevoked,
        _ => "other",
    };
}
