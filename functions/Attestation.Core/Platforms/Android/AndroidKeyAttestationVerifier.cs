using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The <c>android-key-attestation</c> platform: a hardware-backed key's certificate chain, whose leaf carries the
/// KeyDescription extension written by the device's TEE or StrongBox. It names the app's package and the SHA-256 digests of
/// its signing certificates, which is how an endpoint is restricted to the app's signing keys
/// (https://developer.android.com/privacy-and-security/security-key-attestation).
/// </summary>
public sealed class AndroidKeyAttestationVerifier : IAttestationVerifier<AndroidKeyAttestationPolicy, AndroidKeyAttestationEvidence>, IRefreshVerifier<AndroidKeyAttestationPolicy, AndroidKeyAttestationProof>
{
    private const int MaxCertificateLength = 16 * 1024;
    private const int MaxSignatureLength = 1024;

    private readonly AttestationChainVerifier _chains;
    private readonly IAttestationStatusSource _statusList;
    private readonly TimeProvider _timeProvider;

    public AndroidKeyAttestationVerifier(AttestationChainVerifier chains, IAttestationStatusSource statusList, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(statusList);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _chains = chains;
        _statusList = statusList;
        _timeProvider = timeProvider;
    }

    /// <summary>Reads <c>{"certificateChain": [b64 DER, ...]}</c>, leaf first.</summary>
    public AndroidKeyAttestationEvidence ReadEvidence(JsonElement evidence)
    {
        EvidenceJson.RequireObject(evidence, "evidence");
        if (!evidence.TryGetProperty("certificateChain", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw AttestationException.InvalidRequest("evidence must have an array 'certificateChain' of base64 DER certificates, leaf first.");
        }

        var count = array.GetArrayLength();
        if (count < 1 || count > AttestationChainVerifier.MaxChainLength)
        {
            throw AttestationException.InvalidRequest($"evidence.certificateChain must hold 1 to {AttestationChainVerifier.MaxChainLength} certificates.");
        }

        var chain = new List<byte[]>(count);
        foreach (var item in array.EnumerateArray())
        {
            string? text = null;
            try
            {
                text = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate: not base64 either.
            }

            if (text is null || text.Length > MaxCertificateLength * 2 || !Base64Flexible.TryDecode(text, out var der) || der.Length == 0)
            {
                throw AttestationException.InvalidRequest("evidence.certificateChain entries must be base64 DER certificates.");
            }

            chain.Add(der);
        }

        return new AndroidKeyAttestationEvidence(chain);
    }

    public async Task<AttestationVerdict> VerifyAsync(AndroidKeyAttestationPolicy policy, string challenge, AndroidKeyAttestationEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(evidence);

        // API.md: attestationChallenge is the UTF-8 bytes of the challenge string.
        var result = await VerifyAsync(evidence.Chain, Encoding.UTF8.GetBytes(challenge), policy, _timeProvider.GetUtcNow(), new AndroidKeyAttestationFacts(), cancellationToken).ConfigureAwait(false);
        return new AttestationVerdict(result.DeviceId, result.PublicKey, Counter: 0, result.Summary, AllowsReattestation: false);
    }

    /// <summary>
    /// Verifies a chain (leaf first) bound to <paramref name="expectedChallenge"/> at <paramref name="at"/>, then applies
    /// <paramref name="policy"/>. <paramref name="facts"/> receives what was read, whatever the outcome. The backend and the
    /// offline tool both run this.
    /// </summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> or <c>policy_violation</c>.</exception>
    /// <exception cref="DependencyUnavailableException">The status list cannot be had.</exception>
    public async Task<AndroidKeyAttestationResult> VerifyAsync(
        IReadOnlyList<byte[]> chainDer,
        ReadOnlyMemory<byte> expectedChallenge,
        AndroidKeyAttestationPolicy policy,
        DateTimeOffset at,
        AndroidKeyAttestationFacts facts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chainDer);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);

        var certificates = LoadCertificates(chainDer);
        try
        {
            // 1. The leaf's KeyDescription, read first so that a refused chain still shows what it claimed.
            var leaf = certificates[0];
            var extension = leaf.Extensions[KeyDescription.Oid]
                ?? throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The leaf certificate has no key attestation extension.");
            var description = KeyDescriptionReader.Read(extension.RawData);
            facts.Description = description;

            // 2. The chain: links, structure, dates, and a pinned Google root.
            var chain = _chains.Verify(certificates, at);
            facts.RootKind = chain.RootKind;

            // 3. Hardware only: a key that software keystore vouches for proves nothing about the device.
            if (description.AttestationSecurityLevel == KeySecurityLevel.Software)
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The key is not hardware-backed (security level SOFTWARE).");
            }

            // 4. The challenge binds the chain to this request.
            if (!CryptographicOperations.FixedTimeEquals(description.AttestationChallenge, expectedChallenge.Span))
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The attestation challenge does not match the challenge.");
            }

            // 5. Revocation: Google's status list, by exact serial of every certificate in the chain.
            var statusList = await _statusList.GetAsync(cancellationToken).ConfigureAwait(false);
            statusList.ThrowIfAnyListed(certificates);

            // 6. The app's policy.
            AndroidKeyAttestationPolicyCheck.Enforce(policy, description);

            var publicKey = leaf.PublicKey.ExportSubjectPublicKeyInfo();
            var summary = $"android {AndroidKeyAttestationFacts.Name(description.AttestationSecurityLevel)} v{description.AttestationVersion}, "
                + $"boot {(description.RootOfTrust is { } rot ? AndroidKeyAttestationFacts.Name(rot.VerifiedBootState) : "unknown")}, root {chain.RootKind}";
            return new AndroidKeyAttestationResult(DeviceIdOf(publicKey), publicKey, description, chain, summary);
        }
        catch (CryptographicException e)
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain cannot be used.", e);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>Reads <c>{"signature": b64}</c>.</summary>
    public AndroidKeyAttestationProof ReadProof(JsonElement proof)
    {
        var text = EvidenceJson.RequireString(proof, "proof", "signature", MaxSignatureLength);
        return Base64Flexible.TryDecode(text, out var signature) && signature.Length > 0
            ? new AndroidKeyAttestationProof(signature)
            : throw AttestationException.InvalidRequest("proof.signature must be base64.");
    }

    /// <summary>
    /// API.md: a refresh signs the UTF-8 bytes of the challenge with the attested key (SHA-256; ECDSA with a DER signature,
    /// or RSA PKCS#1 v1.5).
    /// </summary>
    public Task<RefreshVerdict> VerifyAsync(AndroidKeyAttestationPolicy policy, DeviceRegistration registration, string challenge, AndroidKeyAttestationProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        var signature = proof.Signature;
        if (registration.PublicKey is not { Length: > 0 } publicKey)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The device has no registered key.");
        }

        var data = Encoding.UTF8.GetBytes(challenge);
        bool valid;
        try
        {
            valid = CertificateSignature.VerifyData(publicKey, data, signature, HashAlgorithmName.SHA256, ecdsa: true)
                || CertificateSignature.VerifyData(publicKey, data, signature, HashAlgorithmName.SHA256, ecdsa: false);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            valid = false;
        }

        return valid
            ? Task.FromResult(new RefreshVerdict(registration.Counter))
            : throw new AttestationException(AttestationErrorCode.ProofInvalid, "The signature over the challenge does not verify with the device's key.");
    }

    private static List<X509Certificate2> LoadCertificates(IReadOnlyList<byte[]> chainDer)
    {
        var certificates = new List<X509Certificate2>(chainDer.Count);
        try
        {
            foreach (var der in chainDer)
            {
                if (der.Length is 0 or > MaxCertificateLength)
                {
                    throw new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain is empty or too large.");
                }

                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }

            return certificates;
        }
        catch (Exception e) when (e is CryptographicException or AttestationException)
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw e as AttestationException
                ?? new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain is not a DER X.509 certificate.", e);
        }
    }

    /// <summary>API.md's device id for Android: base64url SHA-256 of the attested key's SubjectPublicKeyInfo.</summary>
    internal static string DeviceIdOf(byte[] subjectPublicKeyInfo) => Base64Flexible.ToBase64Url(SHA256.HashData(subjectPublicKeyInfo));
}

/// <summary>What a verified Android key attestation establishes.</summary>
/// <param name="DeviceId">base64url SHA-256 of the attested key's SubjectPublicKeyInfo.</param>
/// <param name="PublicKey">The attested key's SubjectPublicKeyInfo DER.</param>
/// <param name="Description">The verified KeyDescription.</param>
/// <param name="Chain">What the chain check established.</param>
/// <param name="Summary">A short non-secret description for the registration.</param>
public sealed record AndroidKeyAttestationResult(string DeviceId, byte[] PublicKey, KeyDescription Description, VerifiedAttestationChain Chain, string Summary);
