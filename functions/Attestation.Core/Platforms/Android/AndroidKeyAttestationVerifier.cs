using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The <c>android-key-attestation</c> platform: a hardware-backed key's certificate chain, whose leaf carries the
/// KeyDescription extension written by the device's TEE or StrongBox. It names the app's package and the SHA-256 digests of
/// its signing certificates, which is how an endpoint is restricted to the app's signing keys
/// (https://developer.android.com/privacy-and-security/security-key-attestation).
/// </summary>
public sealed class AndroidKeyAttestationVerifier : IAttestationVerifier<AndroidKeyAttestationPolicy, AndroidKeyAttestationEvidence>
{
    private const int MaxCertificateLength = 16 * 1024;

    // KeyOrigin.GENERATED and KeyPurpose.SIGN in the KeyDescription schema's AuthorizationList.
    private const long KeyOriginGenerated = 0;
    private const int KeyPurposeSign = 2;

    private readonly AndroidAttestationChainVerifier _chains;
    private readonly IAndroidAttestationStatusSource _statusList;
    private readonly TimeProvider _timeProvider;
    private readonly AndroidBatchCertificateLimit? _batchCertificates;

    /// <param name="chains">Checks the chain.</param>
    /// <param name="statusList">Google's revocation list.</param>
    /// <param name="timeProvider">The instant of an attestation.</param>
    /// <param name="batchCertificates">
    /// Counts factory batch certificates' keys at every attestation; null where nothing is stored (the offline tool, tests of
    /// the verification alone).
    /// </param>
    public AndroidKeyAttestationVerifier(
        AndroidAttestationChainVerifier chains,
        IAndroidAttestationStatusSource statusList,
        TimeProvider timeProvider,
        AndroidBatchCertificateLimit? batchCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(statusList);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _chains = chains;
        _statusList = statusList;
        _timeProvider = timeProvider;
        _batchCertificates = batchCertificates;
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
        if (count < 1 || count > AndroidAttestationChainVerifier.MaxChainLength)
        {
            throw AttestationException.InvalidRequest($"evidence.certificateChain must hold 1 to {AndroidAttestationChainVerifier.MaxChainLength} certificates.");
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

        // docs/api.md: attestationChallenge is the UTF-8 bytes of the challenge string.
        var outcome = await VerifyChainAsync(evidence.Chain, Encoding.UTF8.GetBytes(challenge), policy, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var result = outcome.ResultOrThrow();

        // 10. A factory batch certificate's keys are counted, and the app's limit applied, once the chain is otherwise
        // accepted, so that only keys the rest of the rules admit are counted. Remotely provisioned chains are exempt.
        var admission = _batchCertificates is { } limit && result.BatchCertificate is { } batch
            ? (appId, token) => limit.AdmitAsync(appId, policy, batch, result.DeviceId, token)
            : (Func<string, CancellationToken, Task>?)null;
        return new AttestationVerdict(result.DeviceId, result.PublicKey, Counter: 0, result.Summary, AllowsReattestation: false, AttestedFacts: result.RegisteredFacts.ToText())
        {
            AdmitAsync = admission,
        };
    }

    /// <summary>
    /// Verifies a chain (leaf first) bound to <paramref name="expectedChallenge"/> at <paramref name="at"/>, then applies
    /// <paramref name="policy"/>. The outcome carries what was read, whatever it is. The backend and the offline tool both
    /// run this.
    /// </summary>
    /// <returns>Verified, or refused with <c>attestation_invalid</c> or <c>policy_violation</c>.</returns>
    /// <exception cref="DependencyUnavailableException">The status list cannot be had.</exception>
    public async Task<AndroidKeyAttestationOutcome> VerifyChainAsync(
        IReadOnlyList<byte[]> chainDer,
        ReadOnlyMemory<byte> expectedChallenge,
        AndroidKeyAttestationPolicy policy,
        DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chainDer);
        ArgumentNullException.ThrowIfNull(policy);

        List<X509Certificate2> certificates;
        bool[] owned;
        try
        {
            (certificates, owned) = LoadCertificates(chainDer);
        }
        catch (AttestationException e)
        {
            return AndroidKeyAttestationOutcome.Refused(e, AndroidKeyAttestationFacts.None);
        }

        // What has been read so far, for the outcome whatever it is.
        KeyDescription? description = null;
        string? rootKind = null;
        try
        {
            // 1. The leaf's KeyDescription, read first so that a refused chain still shows what it claimed.
            var leaf = certificates[0];
            var extension = leaf.Extensions[KeyDescription.Oid]
                ?? throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The leaf certificate has no key attestation extension.");
            description = KeyDescriptionReader.Read(extension.RawData);

            // 2. The chain: links, structure, dates, and a pinned Google root.
            var chain = _chains.Verify(certificates, at);
            rootKind = chain.RootKind;
            for (var i = 1; i < certificates.Count; i++)
            {
                if (owned[i] && AndroidCertificateAuthorities.Keep(certificates[i]))
                {
                    owned[i] = false;
                }
            }

            // 3. Hardware only: a key that software keystore vouches for proves nothing about the device.
            if (description.AttestationSecurityLevel == KeySecurityLevel.Software)
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The key is not hardware-backed (security level SOFTWARE).");
            }

            // 4. One security level: attestationSecurityLevel is where the attestation was made, keyMintSecurityLevel where the
            // key lives (KeyDescription schema, https://source.android.com/docs/security/features/keystore/attestation#schema).
            // When they differ, the attestation does not describe where the key is kept: a StrongBox attestation of a TEE key
            // would pass a StrongBox-only policy. Once they agree, the policy's minimum (step 9) holds for both.
            if (description.KeyMintSecurityLevel != description.AttestationSecurityLevel)
            {
                throw new AttestationException(
                    AttestationErrorCode.AttestationInvalid,
                    $"The attestation security level ({description.AttestationSecurityLevel.ToWireName()}) and the KeyMint security level ({description.KeyMintSecurityLevel.ToWireName()}) differ.");
            }

            // 5. The key was generated in the secure hardware: Tag.ORIGIN (702) in the hardware-enforced list is GENERATED
            // (KeyOrigin in the schema's AuthorizationList, link at step 4). An imported key's private part existed outside the hardware,
            // so its attestation proves nothing about where the key was made or who else holds it.
            if (description.Origin != KeyOriginGenerated)
            {
                throw new AttestationException(
                    AttestationErrorCode.AttestationInvalid,
                    description.Origin is { } origin
                        ? $"The key was not generated in the secure hardware (origin {origin}, GENERATED is 0)."
                        : "The key's origin is not enforced by the secure hardware.");
            }

            // 6. The key may sign: Tag.PURPOSE (1) in the hardware-enforced list includes SIGN (KeyPurpose 2 in the schema's
            // AuthorizationList, link at step 4). Refresh proves possession by signing the challenge with this key; a key that cannot sign
            // could never refresh, and one whose purposes the hardware does not enforce is not bound to signing at all.
            if (description.Purposes is not { } purposes || !purposes.Contains(KeyPurposeSign))
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The key's hardware-enforced purposes do not include SIGN.");
            }

            // 7. The challenge binds the chain to this request.
            if (!CryptographicOperations.FixedTimeEquals(description.AttestationChallenge, expectedChallenge.Span))
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The attestation challenge does not match the challenge.");
            }

            // 8. Revocation: Google's status list, by exact serial of every certificate in the chain. The serials are kept
            // with the registration (facts), and every refresh checks them against the list again. So is the factory batch
            // certificate (the leaf's issuer), which a remotely provisioned chain does not have: its intermediates are per device.
            var batchCertificate = chain.RemotelyProvisioned ? null : AndroidBatchCertificate.Of(certificates[1]);
            var facts = AndroidKeyRegisteredFacts.Of(description, certificates, batchCertificate);
            var statusList = await _statusList.GetAsync(cancellationToken).ConfigureAwait(false);
            statusList.ThrowIfAnyListed(facts.ChainSerials);

            // 9. The app's policy, which every refresh applies again to the same facts.
            AndroidKeyAttestationPolicyEnforcement.Enforce(policy, facts);

            var publicKey = leaf.PublicKey.ExportSubjectPublicKeyInfo();
            var summary = $"android {description.AttestationSecurityLevel.ToWireName()} v{description.AttestationVersion}, "
                + $"boot {(description.RootOfTrust is { } rot ? rot.VerifiedBootState.ToWireName() : "unknown")}, root {chain.RootKind}";
            return AndroidKeyAttestationOutcome.Verified(
                new AndroidKeyAttestationResult(DeviceIdOf(publicKey), publicKey, description, chain, summary, facts, batchCertificate),
                new AndroidKeyAttestationFacts(description, rootKind));
        }
        catch (AttestationException e)
        {
            return AndroidKeyAttestationOutcome.Refused(e, new AndroidKeyAttestationFacts(description, rootKind));
        }
        catch (CryptographicException e)
        {
            var refusal = new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain cannot be used.", e);
            return AndroidKeyAttestationOutcome.Refused(refusal, new AndroidKeyAttestationFacts(description, rootKind));
        }
        finally
        {
            for (var i = 0; i < certificates.Count; i++)
            {
                if (owned[i])
                {
                    certificates[i].Dispose();
                }
            }
        }
    }

    /// <summary>docs/api.md's device id for Android: base64url SHA-256 of the attested key's SubjectPublicKeyInfo.</summary>
    internal static string DeviceIdOf(byte[] subjectPublicKeyInfo) => Base64Flexible.ToBase64Url(SHA256.HashData(subjectPublicKeyInfo));

    // The leaf is parsed every time; a CA certificate kept from an earlier chain is reused (AndroidCertificateAuthorities).
    // owned[i]: the certificate is this call's to dispose.
    private static (List<X509Certificate2> Certificates, bool[] Owned) LoadCertificates(IReadOnlyList<byte[]> chainDer)
    {
        var certificates = new List<X509Certificate2>(chainDer.Count);
        var owned = new bool[chainDer.Count];
        try
        {
            for (var i = 0; i < chainDer.Count; i++)
            {
                var der = chainDer[i];
                if (der.Length is 0 or > MaxCertificateLength)
                {
                    throw new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain is empty or too large.");
                }

                var kept = i > 0 ? AndroidCertificateAuthorities.Find(der) : null;
                owned[i] = kept is null;
                certificates.Add(kept ?? X509CertificateLoader.LoadCertificate(der));
            }

            return (certificates, owned);
        }
        catch (Exception e) when (e is CryptographicException or AttestationException)
        {
            for (var i = 0; i < certificates.Count; i++)
            {
                if (owned[i])
                {
                    certificates[i].Dispose();
                }
            }

            throw e as AttestationException
                ?? new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain is not a DER X.509 certificate.", e);
        }
    }
}
