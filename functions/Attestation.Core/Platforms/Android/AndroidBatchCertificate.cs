using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The batch certificate of a factory-provisioned chain: the leaf's issuer, which is the certificate of the attestation key
/// burnt into the device's keybox at the factory. Google asks manufacturers to share one attestation key among a batch of
/// devices, so one such certificate vouches for many devices; a keybox that leaked vouches for as many fake ones as its
/// holder likes (https://source.android.com/docs/security/features/keystore/attestation).
/// </summary>
/// <param name="Sha256">The lowercase hex SHA-256 of the certificate's DER: its identity.</param>
/// <param name="Subject">The certificate's subject, escaped and cut (<see cref="MaxSubjectLength"/>): it is the keybox's own text, and a leaked keybox may be anyone's.</param>
public sealed record AndroidBatchCertificate(string Sha256, string Subject)
{
    /// <summary>The most characters of a subject kept.</summary>
    public const int MaxSubjectLength = 256;

    /// <summary>The batch certificate of a verified factory chain (leaf first).</summary>
    public static AndroidBatchCertificate Of(X509Certificate2 leafIssuer)
    {
        ArgumentNullException.ThrowIfNull(leafIssuer);
        return new AndroidBatchCertificate(
            Convert.ToHexStringLower(SHA256.HashData(leafIssuer.RawDataMemory.Span)),
            UntrustedText.Escape(leafIssuer.Subject, MaxSubjectLength));
    }
}
