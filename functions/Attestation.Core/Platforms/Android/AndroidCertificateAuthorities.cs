using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Caching;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The certificate authorities' certificates of chains that verified, parsed once and kept by their exact bytes (the
/// <see cref="CacheCapacity"/> seen most recently). On OpenSSL 3, parsing a certificate decodes and checks its public key,
/// which for the P-384 root and intermediates of remotely provisioned chains costs more than the rest of the verification;
/// the same CA certificates come back with every key of a device (remote provisioning) or every device of a batch (factory).
/// </summary>
/// <remarks>
/// Only what parsing yields is kept: every rule of <see cref="AndroidAttestationChainVerifier"/> (links, dates at the
/// instant, CA rules) and the status list still run on every call. Certificates enter only after their chain verified, so
/// a flood of made-up chains evicts nothing. A kept certificate is shared by concurrent calls, which only read it: every
/// member the verifiers read is computed before it is published (under the cache's lock), so no lazy field is filled
/// while another thread reads it. An evicted certificate is not disposed, since a call in flight may still read it; the
/// garbage collector frees it.
/// </remarks>
internal static class AndroidCertificateAuthorities
{
    /// <summary>The most certificates kept (a few kilobytes each).</summary>
    public const int CacheCapacity = 1024;

    private static readonly BoundedCache<Kept> Certificates = new(CacheCapacity);

    /// <summary>The kept certificate of <paramref name="der"/>, if any.</summary>
    public static X509Certificate2? Find(byte[] der) => Certificates.TryGet(der, out var kept) ? kept.Certificate : null;

    /// <summary>Keeps <paramref name="certificate"/> (of a chain that verified) and returns true when the cache now owns it.</summary>
    public static bool Keep(X509Certificate2 certificate)
    {
        Warm(certificate);
        var kept = Certificates.GetOrAdd(certificate.RawDataMemory.Span, new Kept(certificate));
        return ReferenceEquals(kept.Certificate, certificate);
    }

    // Fills every lazily computed member the verifiers read, before any other thread can see the certificate.
    private static void Warm(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            switch (extension)
            {
                case X509BasicConstraintsExtension constraints:
                    _ = (constraints.CertificateAuthority, constraints.HasPathLengthConstraint, constraints.PathLengthConstraint);
                    break;
                case X509KeyUsageExtension usage:
                    _ = usage.KeyUsages;
                    break;
            }
        }

        _ = (certificate.IssuerName.RawData, certificate.SubjectName.RawData, certificate.PublicKey.EncodedKeyValue, certificate.SerialNumberBytes);
        _ = (certificate.NotBefore, certificate.NotAfter, certificate.RawDataMemory);
    }

    // Not IDisposable on purpose: eviction must not dispose a certificate a call may still read.
    private sealed record Kept(X509Certificate2 Certificate);
}
