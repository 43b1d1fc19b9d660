using System.Text.Json;
using Attestation.Core.Devices;

namespace Attestation.Core.Platforms;

/// <summary>
/// Verifies that a registered device still holds its key (<c>POST /api/v1/token/refresh</c>). Only the platforms that can
/// refresh implement it.
/// </summary>
/// <typeparam name="TPolicy">The platform's section of an app's policy.</typeparam>
/// <typeparam name="TProof">The proof this verifier reads and verifies; no other type reaches it.</typeparam>
public interface IRefreshVerifier<in TPolicy, TProof>
{
    /// <summary>Reads the <c>proof</c> object of a refresh request (docs/api.md).</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c> when it does not have the platform's shape.</exception>
    TProof ReadProof(JsonElement proof);

    /// <summary>
    /// False for a registration of this platform that holds nothing to prove possession of (a Play Integrity device that
    /// attested without a <c>deviceKey</c>): its refresh is answered <c>refresh_unsupported</c> before its proof is read, as
    /// for a platform that never refreshes. Every registration of the other platforms can refresh.
    /// </summary>
    bool CanRefresh(DeviceRegistration registration) => true;

    /// <summary>Verifies that <paramref name="registration"/>'s device signed <paramref name="challenge"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>proof_invalid</c> or <c>policy_violation</c>.</exception>
    Task<RefreshVerdict> VerifyAsync(TPolicy policy, DeviceRegistration registration, string challenge, TProof proof, CancellationToken cancellationToken = default);
}
