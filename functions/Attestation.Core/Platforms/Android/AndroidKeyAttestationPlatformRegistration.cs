using Attestation.Core.Attestations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Registers the <c>android-key-attestation</c> platform, its options (<c>Attestation:AndroidKey</c>) and the cache of the
/// status list it checks chains against (<see cref="CachedAndroidAttestationStatusSource"/>). The list's bytes come from an
/// <see cref="IAndroidStatusListFetcher"/> that an adapter registers beside it (Attestation.Google).
/// </summary>
public static partial class AndroidKeyAttestationPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    public static AttestationPlatform Create(AndroidKeyAttestationVerifier attestationVerifier, AndroidKeyRefreshVerifier refreshVerifier) => AttestationPlatform.Create(
        PlatformNames.AndroidKeyAttestation,
        policy => policy.AndroidKey,
        new AndroidKeyAttestationPolicyValidator(),
        attestationVerifier,
        refreshVerifier);

    /// <param name="services">The backend's services.</param>
    /// <param name="configuration">The backend's configuration.</param>
    /// <param name="production">True outside Development, where test-only roots stop the start.</param>
    public static IServiceCollection AddAndroidKeyAttestationPlatform(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AndroidKeyAttestationOptions>().Bind(configuration.GetSection(AndroidKeyAttestationOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AndroidKeyAttestationOptions>>(new AndroidKeyAttestationOptionsValidator(production));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AndroidKeyAttestationOptions>>().Value;
            var testRoots = options.TestOnlyTrustedRootPublicKeys.Select(AndroidAttestationRootKey.TryReadTestRoot).OfType<AndroidAttestationRootKey>().ToList();
            if (testRoots.Count > 0)
            {
                LogTestRootsTrusted(provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AndroidKeyAttestationPlatformRegistration)), testRoots.Count);
            }

            return new AndroidAttestationChainVerifier(testRoots);
        });
        services.AddSingleton<IAndroidAttestationStatusSource, CachedAndroidAttestationStatusSource>();
        services.AddSingleton<AndroidKeyAttestationVerifier>();
        services.AddSingleton<AndroidKeyRefreshVerifier>();
        services.AddSingleton(provider => Create(provider.GetRequiredService<AndroidKeyAttestationVerifier>(), provider.GetRequiredService<AndroidKeyRefreshVerifier>()));
        return services;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST ONLY: {Count} extra Android attestation root key(s) are trusted beside Google's (Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys). Never set this outside tests.")]
    private static partial void LogTestRootsTrusted(ILogger logger, int count);
}
