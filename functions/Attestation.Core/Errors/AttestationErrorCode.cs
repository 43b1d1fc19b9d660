namespace Attestation.Core.Errors;

/// <summary>The stable error codes of the HTTP contract (docs/api.md). Each maps to one problem+json <c>code</c> string.</summary>
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

    /// <summary>Admin API: an app with this id exists already (409).</summary>
    AppExists,

    /// <summary>Admin API: the app changed since the caller read it (<c>If-Match</c>), or kept changing under a retry (409).</summary>
    AppChanged,

    /// <summary>Admin API: no such debug token for the app (404).</summary>
    DebugTokenUnknown,

    /// <summary>Admin API and verify: no valid credential was presented (401).</summary>
    Unauthenticated,

    /// <summary>Admin API and verify: the credential is valid but lacks the app role the route needs (403).</summary>
    Forbidden,

    /// <summary>
    /// Refresh: the registration is older than the app's maximum registration age, or what the device attested can no longer
    /// be re-checked; the device attests again (401).
    /// </summary>
    AttestationRequired,

    /// <summary>The route exists only in another configuration (the well-known routes in HS256 mode) (404).</summary>
    NotFound,
}
