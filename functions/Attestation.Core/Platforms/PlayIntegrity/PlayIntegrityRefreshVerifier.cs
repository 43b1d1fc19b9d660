using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// A Play Integrity device that attested with a <c>deviceKey</c> refreshes as an Android key-attested device does: it signs
/// the challenge's UTF-8 bytes with that key (<see cref="ChallengeSignatureProof"/>). Once the signature verifies, the app's
/// current policy is applied again to what the attested verdict showed (<see cref="PlayIntegrityRegisteredFacts"/>), with
/// no call to Google: the one call per installation was made at the attestation. A device that sent no key cannot refresh.
/// </summary>
public sealed class PlayIntegrityRefreshVerifier : IRefreshVerifier<PlayIntegrityPolicy, ChallengeSignatureProof>
{
    /// <summary>Reads <c>{"signature": b64}</c>.</summary>
    public ChallengeSignatureProof ReadProof(JsonElement proof) => ChallengeSignatureProof.Read(proof);

    /// <summary>Only a device that registered a key can prove that it still holds it.</summary>
    public bool CanRefresh(DeviceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return registration.PublicKey is { Length: > 0 };
    }

    /// <exception cref="AttestationException">
    /// <c>refresh_unsupported</c> for a device without a key; <c>proof_invalid</c> for a bad signature;
    /// <c>policy_violation</c> when the app's policy no longer accepts what the verdict showed; <c>attestation_required</c>
    /// when the stored facts are missing or cannot be read.
    /// </exception>
    public Task<RefreshVerdict> VerifyAsync(PlayIntegrityPolicy policy, DeviceRegistration registration, string challenge, ChallengeSignatureProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);

        // The flow asks CanRefresh before it reads the proof; this holds should a keyless device get here all the same.
        if (!CanRefresh(registration))
        {
            throw new AttestationException(AttestationErrorCode.RefreshUnsupported, $"Devices attested with '{PlatformNames.PlayIntegrity}' without a deviceKey cannot refresh; attest again.");
        }

        proof.Verify(registration.PublicKey, challenge);

        // Every keyed registration was written with its facts (keys came with them); one without cannot be re-checked, so
        // it attests again rather than refresh unchecked.
        var facts = PlayIntegrityRegisteredFacts.FromText(registration.AttestedFacts)
            ?? throw new AttestationException(AttestationErrorCode.AttestationRequired, "What this device attested cannot be re-checked; attest again.");

        // Only the app's rules apply here: binding and freshness belonged to the attested verdict's own request.
        IntegrityVerdictRequirements.FromPolicy(policy, IntegrityRequestKind.Standard, challenge).CheckApp(facts);
        return Task.FromResult(new RefreshVerdict(registration.Counter));
    }
}
