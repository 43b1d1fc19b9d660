using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The <c>apple-app-attest</c> platform: verifies attestations and assertions exactly as Apple's "Validating apps that
/// connect to your server" lists the steps
/// (https://developer.apple.com/documentation/devicecheck/validating-apps-that-connect-to-your-server), with the
/// attestation object laid out as the "Attestation object validation guide" shows
/// (https://developer.apple.com/documentation/devicecheck/attestation-object-validation-guide).
/// Forged or broken evidence is <c>attestation_invalid</c> (<c>proof_invalid</c> for an assertion); genuine evidence that
/// the app's policy refuses (another App ID, the development environment where only production is allowed) is
/// <c>policy_violation</c>. The backend and the offline tool (scripts/attestation) both call this class.
/// </summary>
public sealed partial class AppleAppAttestVerifier : IAttestationVerifier<AppleAppAttestPolicy, AppleAttestationEvidence>, IRefreshVerifier<AppleAppAttestPolicy, AppleAssertionProof>
{
    /// <summary>The credCert extension holding the nonce (step 4).</summary>
    public const string NonceExtensionOid = "1.2.840.113635.100.8.2";

    private const int KeyIdLength = 32;
    private const int MaxKeyIdTextLength = 64;

    // The request body is at most 64 KiB, so no field can be longer; the bound only stops absurd input early.
    private const int MaxAttestationObjectTextLength = 64 * 1024;
    private const int MaxAssertionTextLength = 16 * 1024;

    private static readonly byte[] DevelopmentAaguid = "appattestdevelop"u8.ToArray();
    private static readonly byte[] ProductionAaguid = [.. "appattest"u8, 0, 0, 0, 0, 0, 0, 0];

    private readonly TimeProvider _timeProvider;
    private readonly X509Certificate2Collection _trustedRoots;

    /// <summary>Creates a verifier that trusts Apple's App Attestation Root CA, plus <paramref name="testOnlyTrustedRoots"/>.</summary>
    /// <param name="timeProvider">The clock certificates are checked against in the backend.</param>
    /// <param name="testOnlyTrustedRoots">Roots for end-to-end tests only (see <see cref="AppleAppAttestOptions.TestOnlyTrustedRoots"/>).</param>
    public AppleAppAttestVerifier(TimeProvider timeProvider, IEnumerable<X509Certificate2>? testOnlyTrustedRoots = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _trustedRoots = [AppleAppAttestRootCertificate.Load()];
        foreach (var root in testOnlyTrustedRoots ?? [])
        {
            _trustedRoots.Add(root);
        }
    }

    /// <summary>
    /// The backend's verifier, from its settings. Test-only roots are logged as a warning at every start, so a
    /// configuration that trusts them cannot go unnoticed (and <see cref="AppleAppAttestOptionsValidator"/> refuses them in Azure).
    /// </summary>
    public static AppleAppAttestVerifier Create(AppleAppAttestOptions options, TimeProvider timeProvider, ILogger<AppleAppAttestVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var roots = ReadTrustedRoots(options.TestOnlyTrustedRoots);
        foreach (var root in roots)
        {
            LogTestOnlyRoot(logger, root.Subject, root.Thumbprint);
        }

        return new AppleAppAttestVerifier(timeProvider, roots);
    }

    /// <summary>Reads <c>Attestation:AppleAppAttest:TestOnlyTrustedRoots</c> entries: PEM text or base64 DER.</summary>
    /// <exception cref="FormatException">An entry is neither.</exception>
    public static IReadOnlyList<X509Certificate2> ReadTrustedRoots(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var roots = new List<X509Certificate2>();
        foreach (var entry in entries.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            try
            {
                roots.Add(entry.Contains("-----BEGIN", StringComparison.Ordinal)
                    ? X509Certificate2.CreateFromPem(entry)
                    : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(entry.Trim())));
            }
            catch (Exception e) when (e is CryptographicException or FormatException)
            {
                throw new FormatException($"An entry of {AppleAppAttestOptions.SectionName}:TestOnlyTrustedRoots is not a PEM or base64 DER certificate.", e);
            }
        }

        return roots;
    }

    /// <summary>The App ID of the app's Apple section: <c>TEAMID.bundleId</c>, whose SHA-256 is the rpIdHash.</summary>
    public static string? AppIdOf(AppleAppAttestPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy is { TeamId: { Length: > 0 } team, BundleId: { Length: > 0 } bundle } ? $"{team}.{bundle}" : null;
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

    public AppleAssertionProof ReadProof(JsonElement proof)
    {
        var assertionText = EvidenceJson.RequireString(proof, "proof", "assertion", MaxAssertionTextLength);
        return Base64Flexible.TryDecode(assertionText, out var assertion)
            ? new AppleAssertionProof(assertion)
            : throw AttestationException.InvalidRequest("proof.assertion must be base64.");
    }

    public Task<AttestationVerdict> VerifyAsync(AppleAppAttestPolicy policy, string challenge, AppleAttestationEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(evidence);
        var attestation = evidence;
        var appId = AppIdOf(policy) ?? throw MissingAppleSection();

        // API.md: clientDataHash = SHA-256(UTF-8 bytes of the challenge string).
        var clientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge));
        var result = VerifyAttestation(attestation.AttestationObject, attestation.KeyId, appId, policy.AllowDevelopment, clientDataHash, _timeProvider.GetUtcNow());
        return Task.FromResult(new AttestationVerdict(
            Base64Flexible.ToBase64Url(result.KeyId),
            result.PublicKey,
            result.Counter,
            $"apple-app-attest {result.Environment.ToName()}",
            AllowsReattestation: false,
            Receipt: result.Receipt));
    }

    public Task<RefreshVerdict> VerifyAsync(AppleAppAttestPolicy policy, DeviceRegistration registration, string challenge, AppleAssertionProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        var assertion = proof;
        var appId = AppIdOf(policy) ?? throw MissingAppleSection();
        if (registration.PublicKey is null)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The device has no stored App Attest key; attest again.");
        }

        var clientDataHash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge));
        var counter = VerifyAssertion(assertion.Assertion, registration.PublicKey, appId, clientDataHash, registration.Counter);
        return Task.FromResult(new RefreshVerdict(counter));
    }

    /// <summary>Verifies an attestation object (Apple's "Verify the attestation", steps 1 to 9).</summary>
    /// <param name="attestationObject">The CBOR attestation object.</param>
    /// <param name="keyId">The key id the app sent (from <c>generateKey</c>).</param>
    /// <param name="appId">The App ID, <c>TEAMID.bundleId</c>.</param>
    /// <param name="allowDevelopment">False to refuse the development environment.</param>
    /// <param name="clientDataHash">The hash the app passed to <c>attestKey</c>.</param>
    /// <param name="at">The instant certificates must be valid at.</param>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> for forged or broken evidence; <c>policy_violation</c> for another App ID or a refused environment.</exception>
    public AppAttestAttestationResult VerifyAttestation(byte[] attestationObject, byte[] keyId, string appId, bool allowDevelopment, byte[] clientDataHash, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(attestationObject);
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(clientDataHash);

        var attestation = Parse(() => AppAttestAttestationObject.Read(attestationObject), AttestationErrorCode.AttestationInvalid);
        if (!string.Equals(attestation.Format, AppAttestAttestationObject.AppleAppAttestFormat, StringComparison.Ordinal))
        {
            throw Invalid($"The attestation format (fmt) is not '{AppAttestAttestationObject.AppleAppAttestFormat}'.");
        }

        var authenticatorData = Parse(() => AppAttestAuthenticatorData.Read(attestation.AuthenticatorData), AttestationErrorCode.AttestationInvalid);

        var certificates = LoadCertificates(attestation.Certificates);
        try
        {
            return VerifyAttestation(attestation, authenticatorData, certificates, keyId, appId, allowDevelopment, clientDataHash, at);
        }
        catch (CryptographicException)
        {
            // A certificate that parses but cannot be used (a malformed key or extension list) is broken evidence too.
            throw Invalid("A certificate of x5c cannot be processed.");
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private AppAttestAttestationResult VerifyAttestation(
        AppAttestAttestationObject attestation,
        AppAttestAuthenticatorData authenticatorData,
        X509Certificate2Collection certificates,
        byte[] keyId,
        string appId,
        bool allowDevelopment,
        byte[] clientDataHash,
        DateTimeOffset at)
    {
        var credentialCertificate = certificates[0];

        // Step 1: x5c holds the credential certificate (credCert) first, then the intermediate; the chain must lead to
        // Apple's App Attestation Root CA and every certificate must be valid at the verification instant.
        VerifyChain(certificates, at);

        // Steps 2 and 3: nonce = SHA-256(authData ‖ clientDataHash), over authData exactly as received (Apple's 2026 sample
        // carries bytes after the credential key although the ED flag is clear; they are covered, not rejected).
        var nonce = SHA256.HashData([.. attestation.AuthenticatorData, .. clientDataHash]);

        // Step 4: the credCert extension 1.2.840.113635.100.8.2 is a DER SEQUENCE holding one [1] OCTET STRING, the nonce.
        var certifiedNonce = ReadCertifiedNonce(credentialCertificate);
        if (!CryptographicOperations.FixedTimeEquals(nonce, certifiedNonce))
        {
            throw Invalid("The nonce certified by Apple does not match SHA-256(authData ‖ clientDataHash): the attestation was made for another challenge.");
        }

        // Step 5: the key id is the SHA-256 of credCert's public key (its uncompressed P-256 point).
        var (publicKeyPoint, subjectPublicKeyInfo) = ReadCredentialKey(credentialCertificate);
        var certifiedKeyId = SHA256.HashData(publicKeyPoint);
        if (!CryptographicOperations.FixedTimeEquals(certifiedKeyId, keyId))
        {
            throw Invalid("The key id is not the SHA-256 of the certified public key.");
        }

        // Step 7 (before step 6, so that every integrity check precedes the policy checks): a new key's counter is 0.
        if (authenticatorData.SignCount != 0)
        {
            throw Invalid($"The attestation counter is {authenticatorData.SignCount}, not 0.");
        }

        // Step 8: aaguid names the environment: "appattestdevelop", or "appattest" followed by seven zero bytes.
        if (authenticatorData.Aaguid is null || authenticatorData.CredentialId is null)
        {
            throw Invalid("The authenticator data carries no attested credential data (AT flag clear).");
        }

        var environment = EnvironmentOf(authenticatorData.Aaguid)
            ?? throw Invalid("The aaguid is neither App Attest's production nor its development value.");

        // Step 9: the credential id is the key id.
        if (!CryptographicOperations.FixedTimeEquals(authenticatorData.CredentialId, keyId))
        {
            throw Invalid("The credential id of the authenticator data is not the key id.");
        }

        // Step 6: rpIdHash = SHA-256(App ID). The evidence is genuine at this point, so another App ID is the policy's refusal.
        if (!CryptographicOperations.FixedTimeEquals(authenticatorData.RpIdHash, SHA256.HashData(Encoding.UTF8.GetBytes(appId))))
        {
            throw PolicyRefusal("The attestation was made for another App ID (team or bundle id).");
        }

        // Step 8, the policy's half: the development environment only where the app allows it.
        if (environment == AppAttestEnvironment.Development && !allowDevelopment)
        {
            throw PolicyRefusal("The key was attested in the development environment, which this app does not allow.");
        }

        return new AppAttestAttestationResult(certifiedKeyId, environment, authenticatorData.SignCount, subjectPublicKeyInfo, attestation.Receipt);
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

        var parsed = Parse(() => AppAttestAssertion.Read(assertion), AttestationErrorCode.ProofInvalid);

        // Only rpIdHash and the counter are read: live assertions may set the AT flag and append an extension map, and
        // the signature covers those bytes as sent.
        var authenticatorData = Parse(() => AppAttestAuthenticatorData.ReadHeader(parsed.AuthenticatorData), AttestationErrorCode.ProofInvalid);

        // Steps 1 and 2: nonce = SHA-256(authenticatorData ‖ clientDataHash).
        var nonce = SHA256.HashData([.. parsed.AuthenticatorData, .. clientDataHash]);

        // Step 3: the signature over nonce (ECDSA P-256 with SHA-256, DER encoded) verifies with the stored key.
        using (var key = ImportStoredKey(publicKey))
        {
            if (!key.VerifyData(nonce, parsed.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                throw new AttestationException(AttestationErrorCode.ProofInvalid, "The assertion's signature does not verify with the device's key for this challenge. Retrying with the same assertion cannot succeed.");
            }
        }

        // Step 4: rpIdHash = SHA-256(App ID).
        if (!CryptographicOperations.FixedTimeEquals(authenticatorData.RpIdHash, SHA256.HashData(Encoding.UTF8.GetBytes(appId))))
        {
            throw PolicyRefusal("The assertion was made for another App ID (team or bundle id).");
        }

        // Step 5: the counter is greater than the last one accepted, so an assertion cannot be replayed.
        if (authenticatorData.SignCount <= previousCounter)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid,
                $"The assertion counter {authenticatorData.SignCount} is not greater than the last accepted {previousCounter}: a replayed or out-of-order assertion. Send refreshes one at a time, each with a new challenge.");
        }

        return authenticatorData.SignCount;
    }

    /// <summary>Reads what an attestation object says without verifying it; for support tools, whatever the verdict.</summary>
    public static AppAttestAttestationFacts DescribeAttestation(byte[] attestationObject)
    {
        ArgumentNullException.ThrowIfNull(attestationObject);
        AppAttestAttestationObject attestation;
        try
        {
            attestation = AppAttestAttestationObject.Read(attestationObject);
        }
        catch (FormatException)
        {
            return new AppAttestAttestationFacts(null, null, null, null);
        }

        AppAttestAuthenticatorData? authenticatorData = null;
        try
        {
            authenticatorData = AppAttestAuthenticatorData.Read(attestation.AuthenticatorData);
        }
        catch (FormatException)
        {
            // Facts are best effort: what cannot be read stays null.
        }

        byte[]? keyId = authenticatorData?.CredentialId;
        byte[]? publicKey = null;
        if (attestation.Certificates.Count > 0)
        {
            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(attestation.Certificates[0]);
                var (point, spki) = ReadCredentialKey(certificate);
                keyId = SHA256.HashData(point);
                publicKey = spki;
            }
            catch (Exception e) when (e is CryptographicException or AttestationException)
            {
                // As above.
            }
        }

        return new AppAttestAttestationFacts(keyId, EnvironmentOf(authenticatorData?.Aaguid), authenticatorData?.SignCount, publicKey);
    }

    /// <summary>The environment an aaguid names: <c>appattest</c> + seven zero bytes, or <c>appattestdevelop</c>; null for any other.</summary>
    private static AppAttestEnvironment? EnvironmentOf(byte[]? aaguid) => aaguid switch
    {
        not null when aaguid.AsSpan().SequenceEqual(ProductionAaguid) => AppAttestEnvironment.Production,
        not null when aaguid.AsSpan().SequenceEqual(DevelopmentAaguid) => AppAttestEnvironment.Development,
        _ => null,
    };

    /// <summary>The counter an assertion carries, without verifying it; null when unreadable.</summary>
    public static long? DescribeAssertionCounter(byte[] assertion)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        try
        {
            var parsed = AppAttestAssertion.Read(assertion);
            return AppAttestAuthenticatorData.ReadHeader(parsed.AuthenticatorData).SignCount;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private void VerifyChain(X509Certificate2Collection certificates, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        for (var i = 1; i < certificates.Count; i++)
        {
            chain.ChainPolicy.ExtraStore.Add(certificates[i]);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        try
        {
            if (!chain.Build(certificates[0]))
            {
                var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
                throw Invalid($"The certificate chain does not lead to the Apple App Attestation Root CA at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({string.Join(", ", problems)}).");
            }

            // The chain must end at a pinned root, not at a certificate that merely looks like one.
            var root = chain.ChainElements[^1].Certificate;
            if (!_trustedRoots.Cast<X509Certificate2>().Any(r => r.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span)))
            {
                throw Invalid("The certificate chain does not end at the Apple App Attestation Root CA.");
            }
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private static X509Certificate2Collection LoadCertificates(IReadOnlyList<byte[]> encoded)
    {
        if (encoded.Count is 0 or > 4)
        {
            throw Invalid($"x5c holds {encoded.Count} certificates; App Attest sends the credential certificate and its intermediate.");
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            foreach (var der in encoded)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }
        }
        catch (CryptographicException)
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw Invalid("A certificate of x5c is not a DER X.509 certificate.");
        }

        return certificates;
    }

    private static byte[] ReadCertifiedNonce(X509Certificate2 credentialCertificate)
    {
        // Unknown extensions (newer leaves carry OS version fields, for example) are ignored: only this one is read.
        var extension = credentialCertificate.Extensions[NonceExtensionOid]
            ?? throw Invalid($"The credential certificate has no nonce extension ({NonceExtensionOid}).");
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var tagged = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
            var nonce = tagged.ReadOctetString();
            tagged.ThrowIfNotEmpty();
            return nonce;
        }
        catch (AsnContentException)
        {
            throw Invalid($"The nonce extension ({NonceExtensionOid}) of the credential certificate is malformed.");
        }
    }

    private static (byte[] Point, byte[] SubjectPublicKeyInfo) ReadCredentialKey(X509Certificate2 credentialCertificate)
    {
        using var key = credentialCertificate.GetECDsaPublicKey();
        if (key is null || key.KeySize != 256)
        {
            throw Invalid("The credential certificate's key is not an ECDSA P-256 key.");
        }

        return (credentialCertificate.PublicKey.EncodedKeyValue.RawData, key.ExportSubjectPublicKeyInfo());
    }

    private static ECDsa ImportStoredKey(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The stored key of this device is not an ECDSA public key.");
        }
    }

    private static T Parse<T>(Func<T> read, AttestationErrorCode code)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            // The reader's message names the field and never echoes the input.
            throw new AttestationException(code, $"The {(code == AttestationErrorCode.ProofInvalid ? "assertion" : "attestation object")} cannot be read: {e.Message} Retrying with the same bytes cannot succeed.");
        }
    }

    // QUIRKS.md: every detail says whether a retry can help, so that no client attests a new key (Apple rate-limits
    // attestation) where retrying could never succeed, nor gives up where a new challenge would.
    private static AttestationException Invalid(string detail) =>
        new(AttestationErrorCode.AttestationInvalid, detail + " Retrying with the same evidence cannot succeed.");

    private static AttestationException PolicyRefusal(string detail) =>
        new(AttestationErrorCode.PolicyViolation, detail + " Retrying cannot succeed unless the app's configuration changes.");

    private static AttestationException MissingAppleSection() =>
        PolicyRefusal("App Attest is not configured for this app (no Apple team and bundle id).");

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "TEST-ONLY App Attest root trusted beside Apple's: {Subject} ({Thumbprint}). Keys it certifies are accepted as genuine; never use this configuration in production.")]
    private static partial void LogTestOnlyRoot(ILogger logger, string subject, string thumbprint);
}
