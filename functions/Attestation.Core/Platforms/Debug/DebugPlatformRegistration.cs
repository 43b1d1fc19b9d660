using Attestation.Core.Attestations;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Core.Platforms.Debug;

/// <summary>Registers the <c>debug</c> platform. It has no options: what it accepts is each app's list of debug token hashes.</summary>
public static class DebugPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    /// <param name="production">True outside Development, where a debug token must hold at least 128 bits (<see cref="DebugTokenStrength"/>).</param>
    public static AttestationPlatform Create(bool production) => AttestationPlatform.Create(
        PlatformNames.Debug,
        policy => policy.Debug,
        new DebugPolicyValidator(),
        new DebugAttestationVerifier(production),
        new DebugRefreshVerifier(production));

    public static IServiceCollection AddDebugPlatform(this IServiceCollection services, bool production)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => Create(production));
        return services;
    }
}
