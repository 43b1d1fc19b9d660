using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Attestation.Core.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.Receipts;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Verifies App Attest attestations exactly as Apple's "Validating apps that connect to your server" lists the steps of
/// "Verify the attestation" (https://developer.apple.com/documentation/devicecheck/validating-apps-that-connect-to-your-server),
/// with the attestation object laid out as the "Attestation object validation guide" shows
/// (https://developer.apple.com/documentation/devicecheck/attestation-object-validation-guide).
/// Forged or broken evidence is <c>attestation_invalid</c>; genuine evidence that the app's policy refuses (another App ID,
/// the development environment where only production is allowed) is <c>policy_violation</c>. The backend and the offline
/// tool (scripts/attestation) both call this class.
/// </summary>
public sealed class AppleAttestationVerifier : IAttestationVerifier<AppleAppAttestPolicy, AppleAttestationEvidence>
{
    private const int KeyIdLength = 32;
    private const int MaxKeyIdTextLength = 64;

    // The request body is at most 64 KiB, so no field can be longer; the bound only stops absurd input early.
    private const int MaxAttestationObjectTextLength = 64 * 1024;

    private readonly TimeProvider _timeProvider;
    private readonly AppAttestCertificateChain _chain;
    private readonly AppleReceiptVerifier _receipts;

    /// <summary>
    /// Creates a verifier that trusts Apple's App Attestation Root CA for attestations and Apple Root CA - G3 for their
    /// receipts, plus <paramref name="testOnlyTrustedRoots"/> for both.
    /// </summary>
    /// <param name="timeProvider">The clock certificates are checked against in the backend.</param>
    /// <param name="testOnlyTrustedRoots">Roots for end-to-end tests only (see <see cref="AppleAppAttestOptions.TestOnlyTrustedRoots"/>).</param>
    public AppleAttestationVerifier(TimeProvider timeProvider, IEnumerable<X509Certificate2>? testOnlyTrustedRoots = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        var roots = testOnlyTrustedRoots?.ToList() ?? [];
        _chain = new AppAttestCertificateChain(roots);
        _receipts = new AppleReceiptVerifier(roots);
    }

    public AppleAttestationEvidence ReadEvidence(JsonElement evidence)
    {
        var keyIdText = EvidenceJson.RequireString(evidence, "evidence", "keyId", MaxKeyIdTextLength);
        var attestationText = EvidenceJson.RequireString(evidence, "evidence", "attestationObject", MaxAttestationObjectTextLength);
        if (!Base64Flexible.TryDecode(keyIdText, out var keyId) || keyId.Length != KeyIdLength)
        {
            throw AttestationException.InvalidRequest("evidence.keyId must be the base64 key id (32 bytes) that generateKey returned.");
        }

        if (!Base64Flexible.TryDecode(attestationText, out var attestationObject))
        {
            throw AttestationException.InvalidRequest("evidence.attestationObject must be base64.");
        }

        return new AppleAttestationEvidence(keyId, attestationObject);
    }

    public Task<AttestationVerdict> VerifyAsync(AppleAppAttestPolicy policy, string challenge, AppleAttestationEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(evidence);
        var appId = AppleAppId.Of(policy) ?? throw AppleRefusals.NoAppId();

        // docs/api.md: clientDataHash = SHA-256(UTF-8 bytes of the challenge string).
        var clientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge));
        var result = VerifyAttestation(evidence.AttestationObject, evidence.KeyId, appId, policy.AllowDevelopment, clientDataHash, _timeProvider.GetUtcNow());
        return Task.FromResult(new AttestationVerdict(
            Base64Flexible.ToBase64Url(result.KeyId),
            result.PublicKey,
            result.Counter,
            $"apple-app-attest {result.Environment.ToName()}",
            AllowsReattestation: false,
            Receipt: result.Receipt,
            AttestedFacts: new AppleRegisteredFacts(result.Environment).ToText()));
    }

    /// <summary>Verifies an attestation object (Apple's "Verify the attestation", steps 1 to 9, then its receipt).</summary>
    /// <param name="attestationObject">The CBOR attestation object.</param>
    /// <param name="keyId">The key id the app sent (from <c>generateKey</c>).</param>
    /// <param name="appId">The App ID, <c>TEAMID.bundleId</c>.</param>
    /// <param name="allowDevelopment">False to refuse the development environment.</param>
    /// <param name="clientDataHash">The hash the app passed to <c>attestKey</c>.</param>
    /// <param name="at">The instant the attestation's certificates must be valid at (the receipt's are checked as of its own creation time).</param>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> for forged or broken evidence, a receipt that fails
    /// included; <c>policy_violation</c> for another App ID or a refused environment.</exception>
    public AppleAttestationResult VerifyAttestation(byte[] attestationObject, byte[] keyId, string appId, bool allowDevelopment, byte[] clientDataHash, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(attestationObject);
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(clientDataHash);

        var attestation = AppleRefusals.ReadOrRefuse(() => AppAttestAttestationObject.Read(attestationObject), AttestationErrorCode.AttestationInvalid, "attestation object");
        if (!string.Equals(attestation.Format, AppAttestAttestationObject.AppleAppAttestFormat, StringComparison.Ordinal))
        {
            throw AppleRefusals.AttestationInvalid($"The attestation format (fmt) is not '{AppAttestAttestationObject.AppleAppAttestFormat}'.");
        }

        var authenticatorData = AppleRefusals.ReadOrRefuse(() => AppAttestAuthenticatorData.Read(attestation.AuthenticatorData), AttestationErrorCode.AttestationInvalid, "attestation object");

        if (attestation.Certificates.Count is 0 or > 4)
        {
            throw AppleRefusals.AttestationInvalid($"x5c holds {attestation.Certificates.Count} certificates; App Attest sends the credential certificate and its intermediate.");
        }

        var credentialCertificate = ReadCertificate(attestation.Certificates[0]);
        try
        {
            return VerifySteps(attestation, authenticatorData, credentialCertificate, keyId, appId, allowDevelopment, clientDataHash, at);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            // A certificate that parses but cannot be used (a malformed key or extension list) is broken evidence too.
            throw AppleRefusals.AttestationInvalid("A certificate of x5c cannot be processed.");
        }
    }

    // The steps are Apple's, numbered as "Verify the attestation" numbers them; each is one guard.
    private AppleAttestationResult VerifySteps(
        AppAttestAttestationObject attestation,
        AppAttestAuthenticatorData authenticatorData,
        DerCertificate credentialCertificate,
        byte[] keyId,
        string appId,
        bool allowDevelopment,
        byte[] clientDataHash,
        DateTimeOffset at)
    {
        // Step 1: x5c holds the credential certificate (credCert) first, then the intermediate; the chain must lead to
        // Apple's App Attestation Root CA and every certificate must be valid at the verification instant.
        _chain.Verify(credentialCertificate, attestation.Certificates, at);

        // Steps 2 and 3: nonce = SHA-256(authData ‖ clientDataHash), over authData exactly as received (Apple's 2026 sample
        // carries bytes after the credential key although the ED flag is clear; they are covered, not rejected).
        var nonce = SHA256.HashData([.. attestation.AuthenticatorData, .. clientDataHash]);

        // Step 4: the credCert extension 1.2.840.113635.100.8.2 is a DER SEQUENCE holding one [1] OCTET STRING, the nonce.
        if (!CryptographicOperations.FixedTimeEquals(nonce, Certified(AppAttestCredentialCertificate.ReadNonce, credentialCertificate)))
        {
            throw AppleRefusals.AttestationInvalid("The nonce certified by Apple does not match SHA-256(authData ‖ clientDataHash): the attestation was made for another challenge.");
        }

        // Step 5: the key id is the SHA-256 of credCert's public key (its uncompressed P-256 point).
        var (publicKeyPoint, subjectPublicKeyInfo) = Certified(AppAttestCredentialCertificate.ReadKey, credentialCertificate);
        var certifiedKeyId = SHA256.HashData(publicKeyPoint);
        if (!CryptographicOperations.FixedTimeEquals(certifiedKeyId, keyId))
        {
            throw AppleRefusals.AttestationInvalid("The key id is not the SHA-256 of the certified public key.");
        }

        // Step 7 (before step 6, so that every integrity check precedes the policy checks): a new key's counter is 0.
        if (authenticatorData.SignCount != 0)
        {
            throw AppleRefusals.AttestationInvalid($"The attestation counter is {authenticatorData.SignCount}, not 0.");
        }

        // Steps 8 and 9 read the attested credential data (aaguid and credential id), present only when the AT flag is set.
        if (authenticatorData.Aaguid is null || authenticatorData.CredentialId is null)
        {
            throw AppleRefusals.AttestationInvalid("The authenticator data carries no attested credential data (AT flag clear).");
        }

        // Step 8: aaguid names the environment: "appattestdevelop", or "appattest" followed by seven zero bytes.
        var environment = AppAttestEnvironments.FromAaguid(authenticatorData.Aaguid)
            ?? throw AppleRefusals.AttestationInvalid("The aaguid is neither App Attest's production nor its development value.");

        // Step 9: the credential id is the key id.
        if (!CryptographicOperations.FixedTimeEquals(authenticatorData.CredentialId, keyId))
        {
            throw AppleRefusals.AttestationInvalid("The credential id of the authenticator data is not the key id.");
        }

        // Step 6: rpIdHash = SHA-256(App ID). The evidence is genuine at this point, so another App ID is the policy's refusal.
        if (!AppleAppId.IsRpIdHashOf(authenticatorData.RpIdHash, appId))
        {
            throw AppleRefusals.PolicyViolation("The attestation was made for another App ID (team or bundle id).");
        }

        // Step 8, the policy's half: the development environment only where the app allows it.
        if (environment == AppAttestEnvironment.Development && !allowDevelopment)
        {
            throw AppleRefusals.PolicyViolation("The key was attested in the development environment, which this app does not allow.");
        }

        // Issue 14: the receipt is Apple's signed record of this attestation. It is checked last, once the evidence is
        // otherwise genuine and the policy accepts it, so that its refusal never hides a policy_violation above. Whatever
        // fails here is attestation_invalid: the receipt is part of the evidence.
        VerifyReceipt(attestation.Receipt, appId, subjectPublicKeyInfo);

        return new AppleAttestationResult(certifiedKeyId, environment, authenticatorData.SignCount, subjectPublicKeyInfo, attestation.Receipt);
    }

    private void VerifyReceipt(byte[] receipt, string appId, byte[] subjectPublicKeyInfo)
    {
        // Signature, and the chain to Apple Root CA - G3 as of the receipt's creation time; then the App ID and the
        // credential certificate's key, whose mismatch is forged evidence here (not another app's genuine receipt).
        var fields = _receipts.Verify(receipt, appId, subjectPublicKeyInfo, at: null, AppleRefusals.AttestationInvalid);
        if (fields.Type != AppleReceiptType.Attest)
        {
            throw AppleRefusals.AttestationInvalid("The attestation's receipt is not of type ATTEST.");
        }
    }

    // The leaf is new on every call: read with System.Formats.Asn1, not X509Certificate2 (see DerCertificate).
    private static DerCertificate ReadCertificate(byte[] der)
    {
        try
        {
            return DerCertificate.Read(der);
        }
        catch (AsnContentException)
        {
            throw AppleRefusals.AttestationInvalid("A certificate of x5c is not a DER X.509 certificate.");
        }
    }

    /// <summary>What the credential certificate certifies; a malformed extension or key is broken evidence.</summary>
    private static T Certified<T>(Func<DerCertificate, T> read, DerCertificate credentialCertificate)
    {
        try
        {
            return read(credentialCertificate);
        }
        catch (FormatException e)
        {
            throw AppleRefusals.AttestationInvalid(e.Message);
        }
    }
}
