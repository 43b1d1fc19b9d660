using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Cryptography;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Verifies an attestation certificate chain (leaf first) link by link, against root keys pinned by public key. X509Chain is
/// not used: it would trust the machine's store, check revocation online, and refuse real chains this verifier must accept.
/// </summary>
/// <remarks>
/// Date rules, checked at the instant given (the request time in the backend, <c>--at</c> in the tool):
/// <list type="bullet">
/// <item>The leaf's validity is not checked: keystore sets it from the app's key parameters (often 1970 to 2048), so it
/// says nothing about the attestation.</item>
/// <item>The root's validity is not checked: trust is in the pinned key, and re-issues of that key expire while the chains
/// under them stay in use (the 2016-2026 RSA re-issue expired on 2026-05-24).</item>
/// <item>Every intermediate must already be valid (not before <c>notBefore</c>).</item>
/// <item>Expired intermediates are refused on remotely provisioned chains (short-lived, renewed over the air) and accepted
/// on factory-provisioned ones, whose batch certificates are burnt in at the factory and cannot be renewed: a phone keeps
/// them past their <c>notAfter</c>. This is Google's verifier's rule too.</item>
/// </list>
/// Structure: every certificate names its successor as issuer and is signed by its key; the last certificate is a pinned
/// root or is signed by one (remotely provisioned chains may leave the root out); only the leaf carries the attestation
/// extension, so an attested app key cannot vouch for a forged leaf; certificates above the leaf's issuer must be CAs
/// (basic constraints, key usage, path length).
/// </remarks>
public sealed class AndroidAttestationChainVerifier
{
    /// <summary>The longest chain accepted (real chains have 3 to 5 certificates).</summary>
    public const int MaxChainLength = 10;

    private readonly IReadOnlyList<AndroidAttestationRootKey> _roots;

    /// <summary>A verifier trusting Google's roots plus <paramref name="additionalRoots"/> (test roots; never in production).</summary>
    public AndroidAttestationChainVerifier(IEnumerable<AndroidAttestationRootKey>? additionalRoots = null)
    {
        _roots = [.. GoogleHardwareAttestationRoots.All, .. additionalRoots ?? []];
    }

    /// <summary>Verifies <paramref name="chain"/> (leaf first) at <paramref name="at"/>.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> naming the first rule the chain breaks.</exception>
    public AndroidVerifiedAttestationChain Verify(IReadOnlyList<X509Certificate2> chain, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count < 2 || chain.Count > MaxChainLength)
        {
            throw Invalid($"The certificate chain must hold 2 to {MaxChainLength} certificates, leaf first.");
        }

        try
        {
            return VerifyLinks(chain, at.UtcDateTime);
        }
        catch (CryptographicException e)
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain has a key or signature that cannot be used.", e);
        }
        catch (AsnContentException e)
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "A certificate of the chain is not well-formed DER.", e);
        }
    }

    private AndroidVerifiedAttestationChain VerifyLinks(IReadOnlyList<X509Certificate2> chain, DateTime at)
    {
        // 1. The anchor: the last certificate is a pinned root (its own signature and dates are not what is trusted), or,
        //    when the root was left out, the last certificate is signed by a pinned root key.
        var last = chain[^1];
        var lastKey = last.PublicKey.ExportSubjectPublicKeyInfo();
        var root = _roots.FirstOrDefault(r => CryptographicOperations.FixedTimeEquals(r.SubjectPublicKeyInfo, lastKey));
        var signedCount = chain.Count - 1;
        if (root is null)
        {
            root = _roots.FirstOrDefault(r => CertificateSignature.VerifyRemembered(last, r.SubjectPublicKeyInfo))
                ?? throw Invalid("The certificate chain does not end at a Google hardware attestation root.");
            signedCount = chain.Count;
        }

        var remotelyProvisioned = chain.Skip(1).Any(IsRemoteProvisioningCa);

        // 2. Only the leaf may carry the attestation extension. Otherwise an app's own attested key could sign a leaf with
        //    any KeyDescription it likes, and the chain above it would still verify.
        if (chain.Skip(1).Any(c => c.Extensions[KeyDescription.Oid] is not null))
        {
            throw Invalid("A certificate above the leaf carries an attestation extension; attest-key chains are not accepted.");
        }

        for (var i = 0; i < chain.Count - 1; i++)
        {
            var certificate = chain[i];
            var issuer = chain[i + 1];

            // 3. Names link: each certificate names the next as its issuer.
            if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData))
            {
                throw Invalid($"Certificate {i} does not name certificate {i + 1} as its issuer.");
            }

            // 4. Signatures link: each certificate is signed by the next one's key. A CA's certificate comes back with every
            //    device of its batch (factory) or every key of its device (remote provisioning), so its signature is
            //    remembered by exact bytes; the leaf is new every time.
            var issuerKey = issuer.PublicKey.ExportSubjectPublicKeyInfo();
            var signed = i == 0 ? CertificateSignature.Verify(certificate, issuerKey) : CertificateSignature.VerifyRemembered(certificate, issuerKey);
            if (!signed)
            {
                throw Invalid($"The signature of certificate {i} does not verify with the key of certificate {i + 1}.");
            }
        }

        for (var i = 1; i < signedCount; i++)
        {
            var intermediate = chain[i];

            // 5. Dates (see the class remarks).
            if (at < intermediate.NotBefore.ToUniversalTime())
            {
                throw Invalid($"Certificate {i} is not valid yet.");
            }

            if (remotelyProvisioned && at > intermediate.NotAfter.ToUniversalTime())
            {
                throw Invalid($"Certificate {i} has expired.");
            }

            // 6. CA rules for the certificates that sign other CA certificates. The certificate that signs the leaf (the
            //    device's attestation key) is exempt: the Sony Xperia 10 III's factory batch certificate is marked CA:FALSE
            //    without keyCertSign, and Google's verifier accepts it. That is safe only because rule 2 keeps attested app
            //    keys out of the issuer positions.
            if (i >= 2)
            {
                CheckCertificateAuthority(intermediate, i, belowCount: i - 1);
            }
        }

        return new AndroidVerifiedAttestationChain(root.Kind, remotelyProvisioned);
    }

    // belowCount: the intermediate certificates between this one and the leaf.
    private static void CheckCertificateAuthority(X509Certificate2 certificate, int index, int belowCount)
    {
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is null || !constraints.CertificateAuthority)
        {
            throw Invalid($"Certificate {index} signs a certificate authority but is not one itself.");
        }

        // pathLenConstraint counts the intermediate CA certificates that may follow it, the leaf excluded.
        if (constraints.HasPathLengthConstraint && belowCount > constraints.PathLengthConstraint)
        {
            throw Invalid($"Certificate {index} allows a shorter path than the chain has.");
        }

        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
        {
            throw Invalid($"Certificate {index} signs certificates but its key usage does not allow it.");
        }
    }

    // Google's remote key provisioning CAs are issued to O=Google LLC ("Droid CA2", "Droid CA3"); factory batch
    // certificates name the device's attestation key by serial number instead.
    private static bool IsRemoteProvisioningCa(X509Certificate2 certificate)
    {
        var organization = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.10")
            .Select(rdn => rdn.GetSingleElementValue())
            .FirstOrDefault();
        return string.Equals(organization, "Google LLC", StringComparison.Ordinal)
            && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false).StartsWith("Droid CA", StringComparison.Ordinal);
    }

    private static AttestationException Invalid(string detail) => new(AttestationErrorCode.AttestationInvalid, detail);
}
