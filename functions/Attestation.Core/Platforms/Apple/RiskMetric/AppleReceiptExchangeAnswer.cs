namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>What Apple's App Attest server answered to one receipt.</summary>
/// <param name="Status">The answer's meaning.</param>
/// <param name="Receipt">The new receipt (DER) of a <see cref="AppleReceiptExchangeStatus.NewReceipt"/>, not yet verified.</param>
/// <param name="RetryAfter">How long Apple asked to be left alone (its <c>Retry-After</c>), when it said.</param>
/// <param name="HttpStatus">The HTTP status, for the log; null when no answer came.</param>
public sealed record AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus Status, byte[]? Receipt = null, TimeSpan? RetryAfter = null, int? HttpStatus = null);

/// <summary>The meanings of Apple's answers ("Assessing fraud risk", its table of HTTP status codes).</summary>
public enum AppleReceiptExchangeStatus
{
    /// <summary>200: a new receipt, base64 in the body.</summary>
    NewReceipt,

    /// <summary>200 whose body is not base64: nothing usable came back.</summary>
    Unreadable,

    /// <summary>304: too soon; the receipt sent is still the latest (its "not before" has not passed).</summary>
    NotModified,

    /// <summary>404: Apple keeps no data for this receipt any more (it keeps it 30 days after the last attestation).</summary>
    NotFound,

    /// <summary>429: too many requests.</summary>
    Throttled,

    /// <summary>400: Apple refused this receipt (missing or malformed); sending it again will not help.</summary>
    Refused,

    /// <summary>401 (our JWT), 5xx, a timeout or no connection: nothing is known about the receipt.</summary>
    Unavailable,
}
