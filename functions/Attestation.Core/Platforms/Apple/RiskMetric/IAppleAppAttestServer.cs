namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// Apple's App Attest server (<c>POST /v1/attestationData</c>, Apple's "Assessing fraud risk"): trades a receipt for a newer
/// one carrying the risk metric. The adapter authenticates with the team's key and classifies the answer; it never throws for
/// an answer Apple gave, only for a failure to authenticate at all (the team key cannot be read).
/// </summary>
public interface IAppleAppAttestServer
{
    /// <summary>Sends <paramref name="receipt"/> to the server of <paramref name="environment"/>.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The team key cannot be read.</exception>
    Task<AppleReceiptExchangeAnswer> ExchangeAsync(AppAttestEnvironment environment, byte[] receipt, CancellationToken cancellationToken = default);
}
