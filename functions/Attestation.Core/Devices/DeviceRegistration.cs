namespace Attestation.Core.Devices;

/// <summary>
/// A device that attested once: the key it proved, the highest counter seen (App Attest), and what was learnt at attestation.
/// </summary>
/// <param name="AppId">The app the device attested for.</param>
/// <param name="DeviceId">base64url id from docs/api.md: key id, SHA-256 of the attested key, or SHA-256 of the debug token.</param>
/// <param name="Platform">The evidence platform.</param>
/// <param name="PublicKey">The attested public key (SubjectPublicKeyInfo DER), when the platform has one.</param>
/// <param name="Counter">The last accepted signature counter (App Attest assertions); 0 otherwise.</param>
/// <param name="FirstSeen">When the device first attested.</param>
/// <param name="LastSeen">When the device last attested or refreshed.</param>
/// <param name="VerdictSummary">A short, non-secret description of the verified evidence, for support and risk checks.</param>
/// <param name="Status">Active or revoked.</param>
/// <param name="ConcurrencyStamp">The store's version of this record (an ETag); an update succeeds only while it is current.</param>
/// <param name="Receipt">Evidence kept from the attestation for later risk checks (the App Attest receipt), or null.</param>
/// <param name="StatusVersion">
/// Counts the changes of <paramref name="Status"/> (0 until the first); the revocation log's entry for the device carries
/// the version it describes, which orders racing revokes and restores (DeviceAdministration).
/// </param>
/// <param name="AttestedAt">
/// When the device last attested, which the app's maximum registration age is counted from; null in a row written before it
/// was stored, whose attestation is then <paramref name="FirstSeen"/> (a debug token that attested again counts from its first
/// attestation, which errs on the strict side).
/// </param>
/// <param name="AttestedFacts">
/// What the platform's refresh re-checks against the app's current policy and revocation data, in the platform's own form
/// (<see cref="Platforms.AttestationVerdict.AttestedFacts"/>); null when the platform keeps none or in a row written before
/// the facts were stored.
/// </param>
/// <param name="RiskMetric">
/// App Attest: the risk metric of the latest receipt from Apple's App Attest server (<paramref name="Receipt"/> is then that
/// receipt); null until the first exchange.
/// </param>
/// <param name="RiskMetricUpdatedAt">When <paramref name="RiskMetric"/> was read; null until the first exchange.</param>
/// <param name="NextReceiptExchangeAt">
/// App Attest: the earliest instant the receipt may be sent to Apple again (its "not before", or a backoff after a throttle
/// or an outage); null until the first exchange is tried.
/// </param>
/// <param name="ReceiptRefreshEnded">
/// App Attest: true once Apple answered 404 (it keeps a receipt's data 30 days after an attestation): no more exchanges.
/// </param>
/// <param name="ReceiptExchangeFailures">Consecutive throttled or failed exchanges, which the backoff grows with.</param>
public sealed record DeviceRegistration(
    string AppId,
    string DeviceId,
    string Platform,
    byte[]? PublicKey,
    long Counter,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string VerdictSummary,
    DeviceStatus Status,
    string? ConcurrencyStamp = null,
    byte[]? Receipt = null,
    long StatusVersion = 0,
    DateTimeOffset? AttestedAt = null,
    string? AttestedFacts = null,
    long? RiskMetric = null,
    DateTimeOffset? RiskMetricUpdatedAt = null,
    DateTimeOffset? NextReceiptExchangeAt = null,
    bool ReceiptRefreshEnded = false,
    int ReceiptExchangeFailures = 0)
{
    /// <summary>The instant the registration's age is counted from: <see cref="AttestedAt"/>, else <see cref="FirstSeen"/>.</summary>
    public DateTimeOffset AttestationInstant => AttestedAt ?? FirstSeen;
}
