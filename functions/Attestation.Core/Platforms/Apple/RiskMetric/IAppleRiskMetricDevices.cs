using Attestation.Core.Devices;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>The device registrations whose receipt is due for an exchange with Apple.</summary>
public interface IAppleRiskMetricDevices
{
    /// <summary>
    /// Up to <paramref name="max"/> active <c>apple-app-attest</c> registrations holding a receipt, whose refresh has not ended
    /// and whose next allowed exchange is at or before <paramref name="now"/> (or not yet set).
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<DeviceRegistration>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);
}
