using Attestation.Core.Attestations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Apple;

/// <summary>Registers the <c>apple-app-attest</c> platform and its options (<c>Attestation:AppleAppAttest</c>).</summary>
public static partial class AppleAppAttestPlatformRegistration
{
    /// <summary>The platform, as the attest and refresh flows use it.</summary>
    public static AttestationPlatform Create(AppleAttestationVerifier attestation, AppleAssertionVerifier refresh) => AttestationPlatform.Create(
        PlatformNames.AppleAppAttest,
        policy => policy.Apple,
        new AppleAppAttestPolicyValidator(),
        attestation,
        refresh);

    /// <param name="services">The backend's services.</param>
    /// <param name="configuration">The backend's configuration.</param>
    /// <param name="production">True outside Development, where test-only roots stop the start.</param>
    public static IServiceCollection AddAppleAppAttestPlatform(this IServiceCollection services, IConfiguration configuration, bool production)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AppleAppAttestOptions>().Bind(configuration.GetSection(AppleAppAttestOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppleAppAttestOptions>>(new AppleAppAttestOptionsValidator(production));
        services.AddSingleton(provider => CreateAttestationVerifier(
            provider.GetRequiredService<IOptions<AppleAppAttestOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AppleAttestationVerifier>>()));
        services.AddSingleton<AppleAssertionVerifier>();
        services.AddSingleton(provider => Create(provider.GetRequiredService<AppleAttestationVerifier>(), provider.GetRequiredService<AppleAssertionVerifier>()));
        return services;
    }

    /// <summary>
    /// The backend's attestation verifier, from its settings. Test-only roots are logged as a warning at every start, so a
    /// configuration that trusts them cannot go unnoticed (and <see cref="AppleAppAttestOptionsValidator"/> refuses them in production).
    /// </summary>
    private static AppleAttestationVerifier CreateAttestationVerifier(AppleAppAttestOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var roots = AppleAppAttestTestOnlyRoots.Read(options.TestOnlyTrustedRoots);
        foreach (var root in roots)
        {
            LogTestOnlyRoot(logger, root.Subject, root.Thumbprint);
        }

        return new AppleAttestationVerifier(timeProvider, roots);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "TEST-ONLY App Attest root trusted beside Apple's: {Subject} ({Thumbprint}). Keys it certifies are accepted as genuine; never use this configuration in production.")]
    private static partial void LogTestOnlyRoot(ILogger logger, string subject, string thumbprint);
}
