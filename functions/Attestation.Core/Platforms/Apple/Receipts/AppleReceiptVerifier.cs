using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Caching;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Apple.Receipts;

/// <summary>
/// Verifies an App Attest receipt, the one inside an attestation object or one Apple's server returned ("Assessing fraud
/// risk", https://developer.apple.com/documentation/devicecheck/assessing-fraud-risk): the PKCS#7 signature; the signer's
/// chain to Apple Root CA - G3, pinned, as of the receipt's creation time (or the instant given); the app id; and, when a key
/// is given, that the receipt is for that key. A receipt that is malformed or not Apple's is <c>attestation_invalid</c>;
/// a genuine receipt for another app or key is <c>policy_violation</c> (the attestation verifier turns both into
/// <c>attestation_invalid</c>, since there the receipt is part of the evidence). The backend and scripts/attestation both call it.
/// </summary>
/// <remarks>
/// The chain is built with <see cref="X509Chain"/>, which on Linux costs far more than the signature. Apple signs every
/// receipt of a year with one certificate, so the validity window of a chain that verified is remembered by the exact bytes
/// of the receipt's certificates (<see cref="ChainCacheCapacity"/> sets, shared by every verifier of the process, as App
/// Attest's intermediates are, so a verifier made per call still gains); with it, the root it led to, which a verifier uses
/// only if it trusts that root itself. The instant is compared with the window on every call, so a remembered chain is
/// refused as soon as the instant falls outside it. Failures are never remembered.
/// </remarks>
public sealed class AppleReceiptVerifier
{
    /// <summary>The most certificate sets remembered. Apple uses a handful; the bound only matters under a flood.</summary>
    public const int ChainCacheCapacity = 64;

    private static readonly Lazy<X509Certificate2> AppleRoot = new(AppleRootCaG3Certificate.Load);

    private static readonly BoundedCache<ChainWindow> VerifiedChains = new(ChainCacheCapacity);

    private readonly X509Certificate2[] _roots;

    /// <summary>Creates a verifier that trusts Apple Root CA - G3, plus <paramref name="testOnlyTrustedRoots"/>.</summary>
    /// <param name="testOnlyTrustedRoots">Roots for tests only (<see cref="AppleAppAttestOptions.TestOnlyTrustedRoots"/>, refused outside Development).</param>
    public AppleReceiptVerifier(IEnumerable<X509Certificate2>? testOnlyTrustedRoots = null)
    {
        _roots = [AppleRoot.Value, .. testOnlyTrustedRoots ?? []];
    }

    /// <summary>Whether this verifier would take <paramref name="receipt"/>'s chain from memory (for tests and diagnostics).</summary>
    public bool Remembers(byte[] receipt)
    {
        var (cms, _) = AppleReceiptReader.Read(receipt);
        return cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } signer
            && VerifiedChains.TryGet(ChainKey(signer, cms.Certificates), out var remembered) && Trusts(remembered.RootDer);
    }

    /// <summary>Reads a receipt without verifying it, for a tool that shows what a refused receipt claims.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c>: the receipt does not have App Attest's shape.</exception>
    public static AppleReceipt Read(byte[] receipt) => AppleRefusals.ReadOrRefuse(() => AppleReceiptReader.Read(receipt).Receipt, AttestationErrorCode.AttestationInvalid, "receipt");

    /// <summary>Verifies <paramref name="receipt"/> and returns its fields.</summary>
    /// <param name="receipt">The receipt's DER/BER bytes.</param>
    /// <param name="appId">The App ID it must be for, <c>TEAMID.bundleId</c>.</param>
    /// <param name="attestedPublicKey">The SubjectPublicKeyInfo DER it must be for, or null to skip that check.</param>
    /// <param name="at">The instant the chain must be valid at; by default the receipt's own creation time.</param>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> for a malformed, unsigned or foreign receipt;
    /// <c>policy_violation</c> for a genuine receipt of another app or key.</exception>
    public AppleReceipt Verify(byte[] receipt, string appId, byte[]? attestedPublicKey = null, DateTimeOffset? at = null) =>
        Verify(receipt, appId, attestedPublicKey, at, AppleRefusals.PolicyViolation);

    /// <param name="receipt">The receipt's bytes.</param>
    /// <param name="appId">The App ID it must be for.</param>
    /// <param name="attestedPublicKey">The SubjectPublicKeyInfo DER it must be for, or null.</param>
    /// <param name="at">The instant the chain must be valid at, or null for the receipt's creation time.</param>
    /// <param name="mismatch">The refusal of a genuine receipt for another app or key.</param>
    internal AppleReceipt Verify(byte[] receipt, string appId, byte[]? attestedPublicKey, DateTimeOffset? at, Func<string, AttestationException> mismatch)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(appId);
        try
        {
            return VerifySteps(receipt, appId, attestedPublicKey, at, mismatch);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            // A receipt that parses but whose certificates or keys cannot be used is broken evidence too.
            throw AppleRefusals.AttestationInvalid("The receipt's certificates cannot be processed.");
        }
    }

    private AppleReceipt VerifySteps(byte[] receipt, string appId, byte[]? attestedPublicKey, DateTimeOffset? at, Func<string, AttestationException> mismatch)
    {
        var (cms, fields) = AppleRefusals.ReadOrRefuse(() => AppleReceiptReader.Read(receipt), AttestationErrorCode.AttestationInvalid, "receipt");

        // One signer, whose certificate travels in the SignedData, and whose signature covers the payload.
        if (cms.SignerInfos.Count != 1 || cms.SignerInfos[0].Certificate is not { } signer)
        {
            throw AppleRefusals.AttestationInvalid("The receipt does not have exactly one signer with its certificate.");
        }

        try
        {
            cms.SignerInfos[0].CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            throw AppleRefusals.AttestationInvalid("The receipt's signature does not verify.");
        }

        // The issue: the chain leads to Apple Root CA - G3 as of the receipt's creation time (Apple's signing certificates
        // are short-lived; a receipt stays meaningful after its signer expired).
        var instant = at ?? fields.CreationTime;
        VerifyChain(signer, cms.Certificates, instant);

        if (!string.Equals(fields.AppId, appId, StringComparison.Ordinal))
        {
            throw mismatch("The receipt was made for another App ID (team or bundle id).");
        }

        if (attestedPublicKey is not null && !CryptographicOperations.FixedTimeEquals(fields.AttestedPublicKey, attestedPublicKey))
        {
            throw mismatch("The receipt was made for another attested key.");
        }

        return fields;
    }

    private void VerifyChain(X509Certificate2 signer, X509Certificate2Collection certificates, DateTimeOffset at)
    {
        var key = ChainKey(signer, certificates);
        var instant = at.UtcDateTime;
        if (VerifiedChains.TryGet(key, out var remembered) && Trusts(remembered.RootDer)
            && instant >= remembered.NotBefore && instant <= remembered.NotAfter)
        {
            return;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.ExtraStore.AddRange(certificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = instant;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        bool built;
        try
        {
            built = chain.Build(signer);
        }
        catch (CryptographicException)
        {
            built = false;
        }

        if (!built)
        {
            var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct();
            throw AppleRefusals.AttestationInvalid($"The receipt's signer does not chain to Apple Root CA - G3 at {instant:yyyy-MM-ddTHH:mm:ssZ} ({string.Join(", ", problems)}).");
        }

        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        VerifiedChains.GetOrAdd(key, new ChainWindow(
            elements.Max(c => c.NotBefore.ToUniversalTime()),
            elements.Min(c => c.NotAfter.ToUniversalTime()),
            elements[^1].RawData));
    }

    private bool Trusts(byte[] rootDer) => _roots.Any(root => root.RawData.AsSpan().SequenceEqual(rootDer));

    // The signer and every certificate the receipt carries, in order: the chain X509Chain built depends on nothing else.
    private static byte[] ChainKey(X509Certificate2 signer, X509Certificate2Collection certificates)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(signer.RawData);
            foreach (var certificate in certificates)
            {
                writer.WriteOctetString(certificate.RawData);
            }
        }

        return writer.Encode();
    }

    /// <summary>The instants a remembered chain is valid at (every certificate of it at once), and the root it led to.</summary>
    private sealed record ChainWindow(DateTime NotBefore, DateTime NotAfter, byte[] RootDer);
}
