using Attestation.Core.Platforms.Android;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions;

/// <summary>The Android status list's HTTP client and cache.</summary>
public static class AndroidKeyAttestationSetup
{
    /// <summary>The service key of the <see cref="HttpClient"/> that fetches Google's status list (tests may replace it).</summary>
    public const string StatusListHttpClient = "android-attestation-status";

    public static IServiceCollection AddAndroidStatusList(this IServiceCollection services)
    {
        // One long-lived client; connections are recycled so a DNS change at Google is picked up.
        services.TryAddKeyedSingleton(StatusListHttpClient, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
        {
            Timeout = TimeSpan.FromSeconds(15),
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        });
        services.AddSingleton<IAndroidAttestationStatusSource>(provider => new CachedAndroidAttestationStatusSource(
            provider.GetRequiredKeyedService<HttpClient>(StatusListHttpClient),
            provider.GetRequiredService<IOptions<AndroidKeyAttestationOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CachedAndroidAttestationStatusSource>>()));
        return services;
    }
}
