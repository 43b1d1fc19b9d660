using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>Supplies the current Android attestation status list.</summary>
public interface IAndroidAttestationStatusSource
{
    /// <summary>The list to check chains against.</summary>
    /// <exception cref="DependencyUnavailableException">No usable list can be had.</exception>
    Task<AndroidAttestationStatusList> GetAsync(CancellationToken cancellationToken = default);
}
