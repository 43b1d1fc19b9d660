using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Debug;

/// <summary>A debug device refreshes by presenting its debug token again.</summary>
/// <param name="production">True outside Development, where a token too short to hold 128 bits is refused (<see cref="DebugTokenStrength"/>).</param>
public sealed class DebugRefreshVerifier(bool production) : IRefreshVerifier<DebugPolicy, DebugTokenEvidence>
{
    public DebugTokenEvidence ReadProof(JsonElement proof) => DebugTokenEvidence.Read(proof, "proof");

    public Task<RefreshVerdict> VerifyAsync(DebugPolicy policy, DeviceRegistration registration, string challenge, DebugTokenEvidence proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(proof);
        if (production && !DebugTokenStrength.IsStrongEnough(proof.DebugToken))
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, DebugTokenStrength.WeakTokenRefusal);
        }

        // The token must still be registered (a token taken off the app's list stops refreshing too), and it must be the
        // token of this device: the device id is its hash.
        if (!policy.IsRegistered(proof.DebugToken)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(proof.ClaimedDeviceId), Encoding.UTF8.GetBytes(registration.DeviceId)))
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The debug token is not registered for this app and device.");
        }

        return Task.FromResult(new RefreshVerdict(registration.Counter));
    }
}
