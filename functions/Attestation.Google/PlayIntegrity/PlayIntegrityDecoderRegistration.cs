using Attestation.Core.Platforms.PlayIntegrity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Google.PlayIntegrity;

/// <summary>Registers Google's <c>decodeIntegrityToken</c> client as the Play Integrity platform's decoder.</summary>
public static class PlayIntegrityDecoderRegistration
{
    public static IServiceCollection AddGooglePlayIntegrityDecoder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Standard tokens are decoded by Google: at most one call per attestation, no retry (the quota is per day), and
        // none while the app's call budget is spent or the circuit breaker is open.
        services.AddSingleton<GoogleCallGuard>();
        services.AddSingleton<IPlayIntegrityDecoder>(provider => new GooglePlayIntegrityDecoder(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            provider.GetRequiredService<IOptions<PlayIntegrityOptions>>(),
            provider.GetRequiredService<GoogleCallGuard>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<GooglePlayIntegrityDecoder>>()));
        return services;
    }
}
