using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Cryptography;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Verifies App Attest assertions, the proof of a refresh, exactly as Apple's "Validating apps that connect to your server"
/// lists the steps of "Verify the assertion"
/// (https://developer.apple.com/documentation/devicecheck/validating-apps-that-connect-to-your-server).
/// A bad assertion or a counter that does not increase is <c>proof_invalid</c>; an assertion made for another App ID, or by a
/// key attested in the development environment once the app no longer allows it, is <c>policy_violation</c>. The backend and
/// the offline tool (scripts/attestation) both call this class.
/// </summary>
public sealed class AppleAssertionVerifier : IRefreshVerifier<AppleAppAttestPolicy, AppleAssertionProof>
{
    // The request body is at most 64 KiB, so no field can be longer; the bound only stops absurd input early.
    private const int MaxAssertionTextLength = 16 * 1024;

    public AppleAssertionProof ReadProof(JsonElement proof)
    {
        var assertionText = EvidenceJson.RequireString(proof, "proof", "assertion", MaxAssertionTextLength);
        return Base64Flexible.TryDecode(assertionText, out var assertion)
            ? new AppleAssertionProof(assertion)
            : throw AttestationException.InvalidRequest("proof.assertion must be base64.");
    }

    public Task<RefreshVerdict> VerifyAsync(AppleAppAttestPolicy policy, DeviceRegistration registration, string challenge, AppleAssertionProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        var appId = AppleAppId.Of(policy) ?? throw AppleRefusals.NoAppId();
        if (registration.PublicKey is null)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The device has no stored App Attest key; attest again.");
        }

        // docs/api.md: clientDataHash = SHA-256(UTF-8 bytes of the challenge string).
        var clientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge));
        var counter = VerifyAssertion(proof.Assertion, registration.PublicKey, appId, clientDataHash, registration.Counter);

        // Issue 16, finding 3: the attestation's policy half of step 8 again, under the app's current policy. A registration
        // written before facts were kept has none; the app's maximum registration age bounds how long it refreshes unchecked.
        AppleRegisteredFacts.FromText(registration.AttestedFacts)?.Enforce(policy);

        // The risk metric of the device's latest receipt from Apple (Apple's "Assessing fraud risk"), when both it and the
        // app's limit are known: many keys attested for the app on one device suggest one device serving many instances.
        if (policy.MaximumRiskMetric is { } maximum && registration.RiskMetric is { } metric && metric > maximum)
        {
            throw AppleRefusals.PolicyViolation($"The device's risk metric {metric} is above this app's maximum of {maximum}.");
        }

        return Task.FromResult(new RefreshVerdict(counter));
    }

    /// <summary>Verifies an assertion (Apple's "Verify the assertion", steps 1 to 5) and returns its counter.</summary>
    /// <param name="assertion">The CBOR assertion.</param>
    /// <param name="publicKey">The key stored at attestation (SubjectPublicKeyInfo DER).</param>
    /// <param name="appId">The App ID, <c>TEAMID.bundleId</c>.</param>
    /// <param name="clientDataHash">SHA-256 of the client data the assertion signed.</param>
    /// <param name="previousCounter">The last accepted counter of this key (0 after the attestation).</param>
    /// <exception cref="AttestationException"><c>proof_invalid</c> for a bad assertion or a counter that does not increase; <c>policy_violation</c> for another App ID.</exception>
    /// <remarks>
    /// The counter must increase strictly, so two assertions made at once can only both succeed in the order the device
    /// made them: a client sends its refreshes one at a time.
    /// </remarks>
    public static long VerifyAssertion(byte[] assertion, byte[] publicKey, string appId, byte[] clientDataHash, long previousCounter)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(clientDataHash);

        // The steps below are Apple's, numbered as "Verify the assertion" numbers them; its step 6 (the challenge is the one
        // sent) is the challenge service's, which takes each challenge once.
        var parsed = AppleRefusals.ReadOrRefuse(() => AppAttestAssertion.Read(assertion), AttestationErrorCode.ProofInvalid, "assertion");

        // Only rpIdHash and the counter are read: live assertions may set the AT flag and append an extension map, and
        // the signature covers those bytes as sent.
        var authenticatorData = AppleRefusals.ReadOrRefuse(() => AppAttestAuthenticatorData.ReadHeader(parsed.AuthenticatorData), AttestationErrorCode.ProofInvalid, "assertion");

        // Steps 1 and 2: nonce = SHA-256(authenticatorData ‖ clientDataHash).
        var nonce = SHA256.HashData([.. parsed.AuthenticatorData, .. clientDataHash]);

        // Step 3: the signature over nonce (ECDSA P-256 with SHA-256, DER encoded) verifies with the stored key.
        if (!SignatureVerifies(publicKey, nonce, parsed.Signature))
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The assertion's signature does not verify with the device's key for this challenge. Retrying with the same assertion cannot succeed.");
        }

        // Step 4: rpIdHash = SHA-256(App ID).
        if (!AppleAppId.IsRpIdHashOf(authenticatorData.RpIdHash, appId))
        {
            throw AppleRefusals.PolicyViolation("The assertion was made for another App ID (team or bundle id).");
        }

        // Step 5: the counter is greater than the last one accepted, so an assertion cannot be replayed.
        if (authenticatorData.SignCount <= previousCounter)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid,
                $"The assertion counter {authenticatorData.SignCount} is not greater than the last accepted {previousCounter}: a replayed or out-of-order assertion. Send refreshes one at a time, each with a new challenge.")
            {
                // A counter at or below the stored one is what a lost race between two refreshes leaves: the next
                // assertion counts higher, so a new challenge succeeds with the same key.
                Action = AttestationAction.NewChallenge,
            };
        }

        return authenticatorData.SignCount;
    }

    private static bool SignatureVerifies(byte[] subjectPublicKeyInfo, byte[] nonce, byte[] signature)
    {
        // The device's key is imported once and kept (PublicKeySignature): every refresh of a device uses the same key.
        try
        {
            if (PublicKeySignature.AlgorithmOf(subjectPublicKeyInfo) != PublicKeyAlgorithm.Ecdsa)
            {
                throw NotAnEcdsaKey();
            }

            return PublicKeySignature.VerifyData(subjectPublicKeyInfo, PublicKeyAlgorithm.Ecdsa, nonce, signature, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw NotAnEcdsaKey();
        }
    }

    private static AttestationException NotAnEcdsaKey() =>
        new(AttestationErrorCode.ProofInvalid, "The stored key of this device is not an ECDSA public key.");
}
