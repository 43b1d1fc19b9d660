namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// Reads App Attest receipts for the risk metric. The implementation is the receipt verifier of
/// <c>Platforms/Apple</c>; this narrow seam keeps the refresher independent of its shape.
/// </summary>
public interface IAppleRiskReceiptReader
{
    /// <summary>
    /// Verifies a receipt Apple's server answered (signature and chain, type <c>RECEIPT</c>, <paramref name="appId"/>, the key
    /// <paramref name="publicKey"/>) and reads what the refresher stores.
    /// </summary>
    /// <exception cref="Errors.AttestationException">The receipt does not parse or verify; the message never holds its bytes.</exception>
    AppleRiskReceipt ReadNew(byte[] receipt, string appId, byte[] publicKey);

    /// <summary>
    /// The "not before" of a receipt already stored (verified when it arrived): the earliest instant Apple gives a newer one.
    /// Null when the receipt has none or cannot be read.
    /// </summary>
    DateTimeOffset? NotBeforeOf(byte[] storedReceipt);
}

/// <summary>What the refresher keeps from a verified receipt of type <c>RECEIPT</c>.</summary>
/// <param name="RiskMetric">Apple's approximate count of keys attested for the app on the device in the last 30 days.</param>
/// <param name="NotBefore">The earliest instant a newer receipt can be asked for; null when absent.</param>
public sealed record AppleRiskReceipt(long RiskMetric, DateTimeOffset? NotBefore);
