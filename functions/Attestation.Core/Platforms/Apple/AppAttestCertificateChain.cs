using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Caching;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Step 1 of Apple's "Verify the attestation": x5c is the credential certificate, then the intermediate, and the chain leads
/// to a pinned root with every certificate valid at the verification instant. Checked link by link rather than with
/// <see cref="X509Chain"/>, which on Linux rebuilds an OpenSSL store and checks both signatures on every call: here an
/// intermediate, once verified under a pinned root, is remembered by its exact bytes (<see cref="CacheCapacity"/> of them),
/// so an attestation costs one signature check, the leaf's, with the intermediate's key imported once.
/// </summary>
/// <remarks>
/// What X509Chain checked is checked here, and the refusal names the same <see cref="X509ChainStatusFlags"/>: names and
/// signatures link leaf to intermediate to root; the intermediate is a CA (basic constraints, and key usage allows
/// keyCertSign when present); no certificate has a critical extension this code does not know; and the leaf, the
/// intermediate and the root are each within their validity at the instant given. Only what depends on the intermediate's
/// and the root's bytes alone is remembered; the dates are compared with the instant on every call, so a remembered
/// intermediate is refused as soon as it (or its root) is outside its validity.
/// </remarks>
internal sealed class AppAttestCertificateChain
{
    /// <summary>The most intermediates remembered. Apple uses a handful; the bound only matters under a flood.</summary>
    public const int CacheCapacity = 256;

    // Extensions OpenSSL processes when critical; any other critical extension makes X509Chain refuse the certificate.
    private static readonly HashSet<string> KnownCriticalExtensions = new(StringComparer.Ordinal)
    {
        "2.5.29.14", // subjectKeyIdentifier
        "2.5.29.15", // keyUsage
        "2.5.29.17", // subjectAltName
        "2.5.29.19", // basicConstraints
        "2.5.29.32", // certificatePolicies
        "2.5.29.35", // authorityKeyIdentifier
        "2.5.29.37", // extKeyUsage
    };

    private static readonly Lazy<TrustAnchor> AppleRoot = new(() =>
    {
        using var root = AppleAppAttestRootCertificate.Load();
        return TrustAnchor.Of(root);
    });

    // Intermediate DER -> what was verified of it under a pinned root (its root's DER included).
    private static readonly BoundedCache<VerifiedIntermediate> Intermediates = new(CacheCapacity);

    private readonly TrustAnchor[] _roots;

    /// <param name="testOnlyTrustedRoots">Roots trusted besides Apple's (end-to-end tests only). Their bytes are copied.</param>
    public AppAttestCertificateChain(IEnumerable<X509Certificate2>? testOnlyTrustedRoots)
    {
        _roots = [AppleRoot.Value, .. (testOnlyTrustedRoots ?? []).Select(TrustAnchor.Of)];
    }

    /// <summary>The intermediates remembered now (for tests).</summary>
    internal static int RememberedCount => Intermediates.Count;

    /// <summary>Checks step 1 for <paramref name="credentialCertificate"/> (x5c[0]) and the rest of <paramref name="x5c"/> at <paramref name="at"/>.</summary>
    /// <exception cref="Errors.AttestationException"><c>attestation_invalid</c> naming what fails.</exception>
    /// <exception cref="CryptographicException">A certificate parses but cannot be processed.</exception>
    public void Verify(DerCertificate credentialCertificate, IReadOnlyList<byte[]> x5c, DateTimeOffset at)
    {
        var instant = at.UtcDateTime;
        if (x5c.Count < 2)
        {
            throw Refused(at, [X509ChainStatusFlags.PartialChain]);
        }

        var (intermediate, root) = Intermediate(x5c[1], at);
        var problems = new List<X509ChainStatusFlags>();

        // The leaf: new on every call, so nothing of it is remembered.
        if (!credentialCertificate.Issuer.Span.SequenceEqual(intermediate.Subject))
        {
            problems.Add(X509ChainStatusFlags.PartialChain);
        }
        else if (!CertificateSignature.Verify(credentialCertificate.Raw, intermediate.SubjectPublicKeyInfo))
        {
            problems.Add(X509ChainStatusFlags.NotSignatureValid);
        }

        if (credentialCertificate.Extensions.Any(e => e.Critical && !KnownCriticalExtensions.Contains(e.Oid)))
        {
            problems.Add(X509ChainStatusFlags.HasNotSupportedCriticalExtension);
        }

        if (!IsWithin(instant, credentialCertificate.NotBefore.UtcDateTime, credentialCertificate.NotAfter.UtcDateTime)
            || !IsWithin(instant, intermediate.NotBefore, intermediate.NotAfter)
            || !IsWithin(instant, root.NotBefore, root.NotAfter))
        {
            problems.Add(X509ChainStatusFlags.NotTimeValid);
        }

        if (problems.Count > 0)
        {
            throw Refused(at, problems);
        }
    }

    // The intermediate and the pinned root it is signed by: remembered, or verified now and then remembered.
    private (VerifiedIntermediate Intermediate, TrustAnchor Root) Intermediate(byte[] der, DateTimeOffset at)
    {
        if (Intermediates.TryGet(der, out var remembered) && TrustedRoot(remembered.RootDer) is { } rememberedRoot)
        {
            return (remembered, rememberedRoot);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw AppleRefusals.AttestationInvalid("A certificate of x5c is not a DER X.509 certificate.");
        }

        using (certificate)
        {
            var problems = new List<X509ChainStatusFlags>();
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                problems.Add(X509ChainStatusFlags.InvalidBasicConstraints);
            }

            if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            {
                problems.Add(X509ChainStatusFlags.NotValidForUsage);
            }

            if (HasUnknownCriticalExtension(certificate))
            {
                problems.Add(X509ChainStatusFlags.HasNotSupportedCriticalExtension);
            }

            var issuer = certificate.IssuerName.RawData;
            var root = _roots.FirstOrDefault(r => issuer.AsSpan().SequenceEqual(r.Subject) && CertificateSignature.Verify(der, r.SubjectPublicKeyInfo));
            if (root is null)
            {
                problems.Add(X509ChainStatusFlags.UntrustedRoot);
            }

            if (problems.Count > 0)
            {
                throw Refused(at, problems);
            }

            var verified = new VerifiedIntermediate(
                certificate.SubjectName.RawData,
                certificate.PublicKey.ExportSubjectPublicKeyInfo(),
                certificate.NotBefore.ToUniversalTime(),
                certificate.NotAfter.ToUniversalTime(),
                root!.Der);
            return (Intermediates.GetOrAdd(der, verified), root);
        }
    }

    private TrustAnchor? TrustedRoot(byte[] der) => _roots.FirstOrDefault(r => r.Der.AsSpan().SequenceEqual(der));

    private static bool IsWithin(DateTime instant, DateTime notBefore, DateTime notAfter) => instant >= notBefore && instant <= notAfter;

    private static bool HasUnknownCriticalExtension(X509Certificate2 certificate) =>
        certificate.Extensions.Any(e => e.Critical && (e.Oid?.Value is not { } oid || !KnownCriticalExtensions.Contains(oid)));

    private static Errors.AttestationException Refused(DateTimeOffset at, IEnumerable<X509ChainStatusFlags> problems) =>
        AppleRefusals.AttestationInvalid($"The certificate chain does not lead to the Apple App Attestation Root CA at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({string.Join(", ", problems.Distinct())}).");

    /// <summary>A pinned root, as the bytes and dates the checks need.</summary>
    private sealed record TrustAnchor(byte[] Der, byte[] Subject, byte[] SubjectPublicKeyInfo, DateTime NotBefore, DateTime NotAfter)
    {
        public static TrustAnchor Of(X509Certificate2 root) => new(
            root.RawData,
            root.SubjectName.RawData,
            root.PublicKey.ExportSubjectPublicKeyInfo(),
            root.NotBefore.ToUniversalTime(),
            root.NotAfter.ToUniversalTime());
    }

    /// <summary>An intermediate verified as a CA signed by the pinned root <paramref name="RootDer"/>: facts of its bytes only.</summary>
    private sealed record VerifiedIntermediate(byte[] Subject, byte[] SubjectPublicKeyInfo, DateTime NotBefore, DateTime NotAfter, byte[] RootDer);
}
