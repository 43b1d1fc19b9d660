using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Attestation.Core.Cryptography;

/// <summary>An embedded trust anchor, loaded only if its bytes still have the SHA-256 fingerprint it was pinned with.</summary>
internal static class PinnedCertificate
{
    /// <summary>A new instance of the certificate in <paramref name="pem"/>; the caller disposes it.</summary>
    /// <exception cref="InvalidOperationException">The text no longer matches <paramref name="sha256Fingerprint"/> (upper-case hex).</exception>
    public static X509Certificate2 Load(string pem, string sha256Fingerprint, string name)
    {
        var certificate = X509Certificate2.CreateFromPem(pem);
        var fingerprint = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        if (!string.Equals(fingerprint, sha256Fingerprint, StringComparison.Ordinal))
        {
            certificate.Dispose();
            throw new InvalidOperationException($"The embedded {name} does not match its pinned fingerprint.");
        }

        return certificate;
    }
}
