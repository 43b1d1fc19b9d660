using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.Receipts;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// The risk metric's receipts, read by the receipt verifier of <c>Platforms/Apple/Receipts</c> (the one attestation uses):
/// Apple's answer must verify (signature, chain to Apple Root CA - G3 as of its creation time), be for the same App ID and
/// key, be of type <c>RECEIPT</c> and carry a risk metric.
/// </summary>
public sealed class AppleRiskReceiptReader(AppleReceiptVerifier verifier) : IAppleRiskReceiptReader
{
    public AppleRiskReceipt ReadNew(byte[] receipt, string appId, byte[] publicKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(publicKey);

        // A receipt of another app or key is no answer to this device's receipt, whatever Apple's verifier calls it.
        AppleReceipt read;
        try
        {
            read = verifier.Verify(receipt, appId, publicKey);
        }
        catch (AttestationException refused) when (refused.Code == AttestationErrorCode.PolicyViolation)
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, refused.Detail);
        }

        // "Assessing fraud risk": the server answers a receipt of type RECEIPT, the only type with a risk metric.
        if (read.Type != AppleReceiptType.Receipt)
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "Apple's answer is not a receipt of type RECEIPT.");
        }

        return read.RiskMetric is { } metric and >= 0
            ? new AppleRiskReceipt(metric, read.NotBefore)
            : throw new AttestationException(AttestationErrorCode.AttestationInvalid, "Apple's receipt carries no risk metric.");
    }

    public DateTimeOffset? NotBeforeOf(byte[] storedReceipt)
    {
        ArgumentNullException.ThrowIfNull(storedReceipt);
        try
        {
            // Verified when it arrived (at attestation, or by ReadNew); only its "not before" is needed here.
            return AppleReceiptVerifier.Read(storedReceipt).NotBefore;
        }
        catch (AttestationException)
        {
            return null;
        }
    }
}
