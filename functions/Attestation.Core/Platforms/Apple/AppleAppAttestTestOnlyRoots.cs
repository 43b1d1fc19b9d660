using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Reads the entries of <see cref="AppleAppAttestOptions.TestOnlyTrustedRoots"/> (<c>Attestation:AppleAppAttest:TestOnlyTrustedRoots</c>):
/// PEM text or base64 DER. <see cref="AppleAppAttestOptionsValidator"/> reads them at start, so that a typo stops the start;
/// <see cref="AppleAppAttestPlatformRegistration"/> reads them again to build the verifier and logs each one.
/// </summary>
public static class AppleAppAttestTestOnlyRoots
{
    /// <summary>The certificates of <paramref name="entries"/>, blank entries skipped; the caller disposes them.</summary>
    /// <exception cref="FormatException">An entry is neither PEM nor base64 DER.</exception>
    public static IReadOnlyList<X509Certificate2> Read(IEnumerable<string> entries)
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
}
