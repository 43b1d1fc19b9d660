using Attestation.Core.Attestations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// Registers the <c>play-integrity</c> platform and its options (<c>Attestation:PlayIntegrity</c>). Devices that attested
/// with a <c>deviceKey</c> refresh by signature; the others cannot refresh. Google's decoder (<see cref="IPlayIntegrityDecoder"/>) comes from an adapter
/// registered beside it.
/// </summary>
public static class PlayIntegrityPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    public static AttestationPlatform Create(PlayIntegrityAttestationVerifier verifier) => AttestationPlatform.Create(
        PlatformNames.PlayIntegrity,
        policy => policy.PlayIntegrity,
        new PlayIntegrityPolicyValidator(),
        verifier,
        new PlayIntegrityRefreshVerifier());

    /// <param name="services">The backend's services.</param>
    /// <param name="configuration">The backend's configuration.</param>
    /// <param name="production">True outside Development, where only Google's decode endpoint is accepted.</param>
    public static IServiceCollection AddPlayIntegrityPlatform(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PlayIntegrityOptions>().Bind(configuration.GetSection(PlayIntegrityOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlayIntegrityOptions>>(new PlayIntegrityOptionsValidator(production));
        services.AddSingleton<PlayIntegrityAttestationVerifier>();
        services.AddSingleton(provider => Create(provider.GetRequiredService<PlayIntegrityAttestationVerifier>()));
        return services;
    }
}
