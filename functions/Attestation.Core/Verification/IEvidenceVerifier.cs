using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Policies;

namespace Attestation.Core.Verification;

/// <summary>
/// One evidence platform (App Attest, Android Key Attestation, Play Integrity, debug). The attestation service reads the
/// request's evidence first, so that a malformed body is refused before the challenge is consumed, then verifies it.
/// </summary>
public interface IEvidenceVerifier
{
    /// <summary>The platform name of API.md this verifier answers for.</summary>
    string Platform { get; }

    /// <summary>True when the platform supports <c>token/refresh</c>.</summary>
    bool SupportsRefresh { get; }

    /// <summary>Problems with the platform's section of <paramref name="policy"/>; checked at start for every app that enables the platform.</summary>
    IEnumerable<string> ValidatePolicy(AppPolicy policy);

    /// <summary>Reads the <c>evidence</c> object of an attest request.</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> when it does not have the platform's shape.</exception>
    IPlatformEvidence ReadEvidence(JsonElement evidence);

    /// <summary>Verifies evidence bound to <paramref name="challenge"/> against <paramref name="policy"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>attestation_invalid</c> or <c>policy_violation</c>.</exception>
    Task<AttestationVerdict> VerifyAttestationAsync(AppPolicy policy, string challenge, IPlatformEvidence evidence, CancellationToken cancellationToken = default);

    /// <summary>Reads the <c>proof</c> object of a refresh request.</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> when it does not have the platform's shape.</exception>
    IPlatformEvidence ReadProof(JsonElement proof);

    /// <summary>Verifies that <paramref name="registration"/>'s device signed <paramref name="challenge"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>proof_invalid</c> or <c>policy_violation</c>.</exception>
    Task<RefreshVerdict> VerifyRefreshAsync(AppPolicy policy, DeviceRegistration registration, string challenge, IPlatformEvidence proof, CancellationToken cancellationToken = default);
}

/// <summary>Evidence or proof after its shape was checked.</summary>
public interface IPlatformEvidence
{
    /// <summary>
    /// The device id the evidence claims, when it can be derived without verifying anything; decoy answers use it so that a
    /// refused caller sees the id it would have got.
    /// </summary>
    string? ClaimedDeviceId { get; }
}

/// <summary>What a verified attestation establishes.</summary>
/// <param name="DeviceId">The device id of API.md for this platform.</param>
/// <param name="PublicKey">The attested key (SubjectPublicKeyInfo DER), or null.</param>
/// <param name="Counter">The starting signature counter.</param>
/// <param name="VerdictSummary">A short non-secret description stored with the registration.</param>
/// <param name="AllowsReattestation">
/// True when the same device id may attest again (debug tokens, which are reused by design). False for hardware keys: a key
/// id that was ever registered is never registered again.
/// </param>
/// <param name="Receipt">Evidence kept for later risk checks (the App Attest receipt), or null.</param>
public sealed record AttestationVerdict(string DeviceId, byte[]? PublicKey, long Counter, string VerdictSummary, bool AllowsReattestation, byte[]? Receipt = null);

/// <summary>What a verified refresh proof establishes: the counter to store (unchanged where the platform has none).</summary>
public sealed record RefreshVerdict(long Counter);
