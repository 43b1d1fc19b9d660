using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;

namespace Attestation.Core.Attestations;

/// <summary>A refresh proof whose shape was checked, verified by the verifier that read it once the challenge is redeemed.</summary>
public sealed class PendingRefresh
{
    private readonly Func<AppPolicy, DeviceRegistration, string, CancellationToken, Task<RefreshVerdict>> _verify;

    internal PendingRefresh(Func<AppPolicy, DeviceRegistration, string, CancellationToken, Task<RefreshVerdict>> verify) => _verify = verify;

    /// <summary>Verifies that <paramref name="registration"/>'s device signed <paramref name="challenge"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>proof_invalid</c> or <c>policy_violation</c>.</exception>
    public Task<RefreshVerdict> VerifyAsync(AppPolicy policy, DeviceRegistration registration, string challenge, CancellationToken cancellationToken = default) =>
        _verify(policy, registration, challenge, cancellationToken);
}
