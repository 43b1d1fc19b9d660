using System.Text.Json;

namespace Attestation.Core.Platforms;

/// <summary>
/// Verifies one platform's attestations. The attestation service reads the evidence first, so that a malformed body is
/// refused before the challenge is consumed, then verifies it against the app's section of the policy for this platform.
/// </summary>
/// <typeparam name="TPolicy">The platform's section of an app's policy.</typeparam>
/// <typeparam name="TEvidence">The evidence this verifier reads and verifies; no other type reaches it.</typeparam>
public interface IAttestationVerifier<in TPolicy, TEvidence>
    where TEvidence : IAttestationEvidence
{
    /// <summary>Reads the <c>evidence</c> object of an attest request (docs/api.md).</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> when it does not have the platform's shape.</exception>
    TEvidence ReadEvidence(JsonElement evidence);

    /// <summary>Verifies evidence bound to <paramref name="challenge"/> against <paramref name="policy"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>attestation_invalid</c> or <c>policy_violation</c>.</exception>
    /// <exception cref="Errors.DependencyUnavailableException">Something the verifier needs (a key, a list, Google) cannot be had.</exception>
    Task<AttestationVerdict> VerifyAsync(TPolicy policy, string challenge, TEvidence evidence, CancellationToken cancellationToken = default);
}
