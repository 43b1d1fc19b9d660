using Attestation.Core.Attestations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple;

/// <summary>Registers the <c>apple-app-attest</c> platform and its options (<c>Attestation:AppleAppAttest</c>).</summary>
public static class AppleAppAttestPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    public static AttestationPlatform Create(AppleAppAttestVerifier verifier) => AttestationPlatform.Create(
        PlatformNames.AppleAppAttest,
        policy => policy.Apple,
        new AppleAppAttestPolicyValidator(),
        verifier,
        verifier);

    /// <param name="services">The backend's services.</param>
    /// <param name="configuration">The backend's configuration.</param>
    /// <param name="runsInAzure">True in Azure, where test-only roots stop the start.</param>
    public static IServiceCollection AddAppleAppAttestPlatform(this IServiceCollection services, IConfiguration configuration, bool runsInAzure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AppleAppAttestOptions>().Bind(configuration.GetSection(AppleAppAttestOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppleAppAttestOptions>>(new AppleAppAttestOptionsValidator(runsInAzure));
        services.AddSingleton(provider => AppleAppAttestVerifier.Create(
            provider.GetRequiredService<IOptions<AppleAppAttestOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AppleAppAttestVerifier>>()));
        services.AddSingleton(provider => Create(provider.GetRequiredService<AppleAppAttestVerifier>()));
        return services;
    }
}
