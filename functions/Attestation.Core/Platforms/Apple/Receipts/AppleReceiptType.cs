namespace Attestation.Core.Platforms.Apple.Receipts;

/// <summary>Field 6 of an App Attest receipt: who issued it.</summary>
public enum AppleReceiptType
{
    /// <summary>"ATTEST": the receipt inside an attestation object, made when the key was attested.</summary>
    Attest,

    /// <summary>"RECEIPT": a receipt Apple's server returned in exchange for an earlier one; it carries the risk metric.</summary>
    Receipt,
}
