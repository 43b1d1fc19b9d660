using Attestation.Core.Attestations;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Core.Platforms.Debug;

/// <summary>Registers the <c>debug</c> platform. It has no options: what it accepts is each app's list of debug token hashes.</summary>
public static class DebugPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    public static AttestationPlatform Create() => AttestationPlatform.Create(
        PlatformNames.Debug,
        policy => policy.Debug,
        new DebugPolicyValidator(),
        new DebugAttestationVerifier(),
        new DebugRefreshVerifier());

    public static IServiceCollection AddDebugPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => Create());
        return services;
    }
}
