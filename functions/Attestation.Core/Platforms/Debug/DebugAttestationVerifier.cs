using System.Text.Json;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Debug;

/// <summary>
/// The <c>debug</c> platform for emulators and CI: the evidence is a debug token registered for the app (only its SHA-256 is
/// configured). The challenge is not bound into anything, but the attestation service still requires and consumes it.
/// </summary>
/// <param name="production">True outside Development, where a token too short to hold 128 bits is refused (<see cref="DebugTokenStrength"/>).</param>
public sealed class DebugAttestationVerifier(bool production) : IAttestationVerifier<DebugPolicy, DebugTokenEvidence>
{
    public DebugTokenEvidence ReadEvidence(JsonElement evidence) => DebugTokenEvidence.Read(evidence, "evidence");

    public Task<AttestationVerdict> VerifyAsync(DebugPolicy policy, string challenge, DebugTokenEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(evidence);

        // Only hashes are configured, so the strength of a token can be measured only when it is presented. The check does
        // not depend on the token being registered, so it tells a caller nothing about the app's tokens.
        if (production && !DebugTokenStrength.IsStrongEnough(evidence.DebugToken))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, DebugTokenStrength.WeakTokenRefusal);
        }

        if (!policy.IsRegistered(evidence.DebugToken))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The debug token is not registered for this app.");
        }

        return Task.FromResult(new AttestationVerdict(evidence.ClaimedDeviceId, PublicKey: null, Counter: 0, VerdictSummary: "debug token", AllowsReattestation: true));
    }
}
