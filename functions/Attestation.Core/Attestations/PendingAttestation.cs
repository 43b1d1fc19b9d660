using Attestation.Core.Apps;
using Attestation.Core.Platforms;

namespace Attestation.Core.Attestations;

/// <summary>
/// Evidence whose shape was checked, held by the attest flow until the challenge is redeemed, then verified by the verifier
/// that read it.
/// </summary>
public sealed class PendingAttestation
{
    private readonly Func<AppPolicy, string, CancellationToken, Task<AttestationVerdict>> _verify;

    internal PendingAttestation(string? claimedDeviceId, Func<AppPolicy, string, CancellationToken, Task<AttestationVerdict>> verify)
    {
        ClaimedDeviceId = claimedDeviceId;
        _verify = verify;
    }

    /// <inheritdoc cref="IAttestationEvidence.ClaimedDeviceId"/>
    public string? ClaimedDeviceId { get; }

    /// <summary>Verifies the evidence against <paramref name="policy"/> for <paramref name="challenge"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>attestation_invalid</c> or <c>policy_violation</c>.</exception>
    /// <exception cref="Errors.DependencyUnavailableException">Something the verifier needs cannot be had.</exception>
    public Task<AttestationVerdict> VerifyAsync(AppPolicy policy, string challenge, CancellationToken cancellationToken = default) =>
        _verify(policy, challenge, cancellationToken);
}
