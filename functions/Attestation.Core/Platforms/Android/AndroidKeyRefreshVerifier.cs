using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// An Android device refreshes by signing the challenge with the key its attestation registered. docs/api.md: the signature is
/// over the UTF-8 bytes of the challenge, with SHA-256: ECDSA with a DER signature, or RSA PKCS#1 v1.5. Once the signature
/// verifies, what the device attested (<see cref="AndroidKeyRegisteredFacts"/>) meets Google's current status list and the
/// app's current policy again, as at the attestation.
/// </summary>
public sealed class AndroidKeyRefreshVerifier : IRefreshVerifier<AndroidKeyAttestationPolicy, ChallengeSignatureProof>
{
    private readonly IAndroidAttestationStatusSource _statusList;

    /// <param name="statusList">The attestation verifier's status list (cached in memory, so a refresh costs no extra call).</param>
    public AndroidKeyRefreshVerifier(IAndroidAttestationStatusSource statusList)
    {
        ArgumentNullException.ThrowIfNull(statusList);
        _statusList = statusList;
    }

    /// <summary>Reads <c>{"signature": b64}</c>.</summary>
    public ChallengeSignatureProof ReadProof(JsonElement proof) => ChallengeSignatureProof.Read(proof);

    /// <exception cref="AttestationException">
    /// <c>proof_invalid</c> for a bad signature; <c>attestation_invalid</c> when a certificate of the attested chain is now on
    /// Google's status list; <c>policy_violation</c> when the app's policy no longer accepts what was attested;
    /// <c>attestation_required</c> when the stored facts cannot be read.
    /// </exception>
    /// <exception cref="DependencyUnavailableException">The status list cannot be had (as at attestation).</exception>
    public async Task<RefreshVerdict> VerifyAsync(AndroidKeyAttestationPolicy policy, DeviceRegistration registration, string challenge, ChallengeSignatureProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        proof.Verify(registration.PublicKey, challenge);

        // Issue 16, finding 3: the attestation's steps 8 and 9 again, on the facts kept from it. A registration written before
        // facts were kept has none; the app's maximum registration age bounds how long it refreshes unchecked.
        if (AndroidKeyRegisteredFacts.FromText(registration.AttestedFacts) is { } facts)
        {
            var statusList = await _statusList.GetAsync(cancellationToken).ConfigureAwait(false);
            statusList.ThrowIfAnyListed(facts.ChainSerials);
            AndroidKeyAttestationPolicyEnforcement.Enforce(policy, facts);
        }

        return new RefreshVerdict(registration.Counter);
    }
}
