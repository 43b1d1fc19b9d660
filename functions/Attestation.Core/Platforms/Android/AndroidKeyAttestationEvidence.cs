using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Attestation.Core.Platforms.Android;

/// <summary><c>{"certificateChain": [b64 DER, …]}</c>, leaf first, after its shape was checked (docs/api.md).</summary>
public sealed class AndroidKeyAttestationEvidence(IReadOnlyList<byte[]> chain) : IAttestationEvidence
{
    /// <summary>The certificates, DER, leaf first.</summary>
    public IReadOnlyList<byte[]> Chain { get; } = chain;

    /// <summary>
    /// The id the evidence would get (SHA-256 of the leaf's key), for decoy answers; null when the leaf does not parse.
    /// Derived when asked: only a decoy answer asks, so a verified attestation parses its leaf once.
    /// </summary>
    public string? ClaimedDeviceId
    {
        get
        {
            try
            {
                using var leaf = X509CertificateLoader.LoadCertificate(Chain[0]);
                return AndroidKeyAttestationVerifier.DeviceIdOf(leaf.PublicKey.ExportSubjectPublicKeyInfo());
            }
            catch (CryptographicException)
            {
                return null;
            }
        }
    }
}
