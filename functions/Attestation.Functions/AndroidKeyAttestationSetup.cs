using Attestation.Core.Verification;
using Attestation.Core.Verification.Android;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions;

/// <summary>The Android Key Attestation verifier, its options (<c>Attestation:AndroidKey</c>) and the status list's HTTP client.</summary>
public static partial class AndroidKeyAttestationSetup
{
    /// <summary>The service key of the <see cref="HttpClient"/> that fetches Google's status list (tests may replace it).</summary>
    public const string StatusListHttpClient = "android-attestation-status";

    public static IServiceCollection AddAndroidKeyAttestation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AndroidKeyAttestationOptions>().Bind(configuration.GetSection(AndroidKeyAttestationOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AndroidKeyAttestationOptions>>(new AndroidKeyAttestationOptionsValidator(AttestationBackend.RunsInAzure()));

        // One long-lived client; connections are recycled so a DNS change at Google is picked up.
        services.TryAddKeyedSingleton(StatusListHttpClient, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
        {
            Timeout = TimeSpan.FromSeconds(15),
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        });
        services.AddSingleton<IAttestationStatusSource>(provider => new CachedAttestationStatusSource(
            provider.GetRequiredKeyedService<HttpClient>(StatusListHttpClient),
            provider.GetRequiredService<IOptions<AndroidKeyAttestationOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CachedAttestationStatusSource>>()));

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AndroidKeyAttestationOptions>>().Value;
            var testRoots = options.TestOnlyTrustedRootPublicKeys.Select(AndroidKeyAttestationOptionsValidator.TryReadRootKey).OfType<AttestationRootKey>().ToList();
            if (testRoots.Count > 0)
            {
                LogTestRootsTrusted(provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AndroidKeyAttestationSetup)), testRoots.Count);
            }

            return new AttestationChainVerifier(testRoots);
        });
        services.AddSingleton<IEvidenceVerifier, AndroidKeyAttestationVerifier>();
        return services;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TEST ONLY: {Count} extra Android attestation root key(s) are trusted beside Google's (Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys). Never set this outside tests.")]
    private static partial void LogTestRootsTrusted(ILogger logger, int count);
}
