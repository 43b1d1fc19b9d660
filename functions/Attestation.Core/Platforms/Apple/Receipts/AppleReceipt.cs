using System.Security.Cryptography;

namespace Attestation.Core.Platforms.Apple.Receipts;

/// <summary>
/// The fields of an App Attest receipt ("Assessing fraud risk", https://developer.apple.com/documentation/devicecheck/assessing-fraud-risk):
/// the payload of a PKCS#7 SignedData, an ASN.1 SET of <c>SEQUENCE { type INTEGER, version INTEGER, value OCTET STRING }</c>.
/// On its own this record says nothing about authenticity: <see cref="AppleReceiptVerifier"/> returns it only once the
/// signature, the chain, the app id and the key are checked.
/// </summary>
/// <param name="Type">Field 6.</param>
/// <param name="AppId">Field 2: <c>TEAMID.bundleId</c>.</param>
/// <param name="AttestedPublicKey">Field 3's certificate (the credential certificate) reduced to its SubjectPublicKeyInfo DER.</param>
/// <param name="ClientHash">Field 4.</param>
/// <param name="Token">Field 5, the opaque token Apple's server keys its records by.</param>
/// <param name="CreationTime">Field 12: when Apple made the receipt; the chain is checked as of this instant.</param>
/// <param name="NotBefore">Field 19: the earliest Apple's server takes the receipt in exchange for a new one.</param>
/// <param name="ExpirationTime">Field 21: after this Apple's server no longer takes it.</param>
/// <param name="RiskMetric">Field 17 (RECEIPT only): Apple's approximate count of attestations of the app on the device.</param>
public sealed record AppleReceipt(
    AppleReceiptType Type,
    string AppId,
    byte[] AttestedPublicKey,
    byte[] ClientHash,
    string Token,
    DateTimeOffset CreationTime,
    DateTimeOffset? NotBefore,
    DateTimeOffset? ExpirationTime,
    int? RiskMetric)
{
    /// <summary>SHA-256 of <see cref="AttestedPublicKey"/> (the SubjectPublicKeyInfo DER).</summary>
    public byte[] PublicKeySha256 => SHA256.HashData(AttestedPublicKey);
}
