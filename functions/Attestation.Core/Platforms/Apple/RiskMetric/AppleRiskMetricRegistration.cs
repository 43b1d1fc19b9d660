using Attestation.Core.Platforms.Apple.Receipts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// Registers the risk metric's options (<c>Attestation:AppleRiskMetric</c>) and refresher. Apple's server
/// (<see cref="IAppleAppAttestServer"/>) and the due devices (<see cref="IAppleRiskMetricDevices"/>) come from adapters.
/// </summary>
public static class AppleRiskMetricRegistration
{
    /// <param name="services">The backend's services.</param>
    /// <param name="configuration">The backend's configuration.</param>
    /// <param name="production">True outside Development, where only Apple's servers are accepted.</param>
    public static IServiceCollection AddAppleRiskMetric(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AppleRiskMetricOptions>().Bind(configuration.GetSection(AppleRiskMetricOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppleRiskMetricOptions>>(new AppleRiskMetricOptionsValidator(production));
        services.AddSingleton<AppleRiskMetricRefresher>();

        // Apple's answers are verified as attestation receipts are, under the same roots (test-only ones in Development).
        services.AddSingleton<IAppleRiskReceiptReader>(provider => new AppleRiskReceiptReader(new AppleReceiptVerifier(
            AppleAppAttestTestOnlyRoots.Read(provider.GetRequiredService<IOptions<AppleAppAttestOptions>>().Value.TestOnlyTrustedRoots))));
        return services;
    }
}
