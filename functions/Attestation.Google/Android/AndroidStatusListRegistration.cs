using Attestation.Core.Platforms.Android;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Attestation.Google.Android;

/// <summary>
/// Registers where the Android platform's status list comes from: <see cref="AndroidKeyAttestationOptions.StatusListFile"/>
/// when it is set, Google's endpoint otherwise. The cache in front of it is Core's
/// (<see cref="CachedAndroidAttestationStatusSource"/>, registered with the platform).
/// </summary>
public static class AndroidStatusListRegistration
{
    /// <summary>The service key of the <see cref="HttpClient"/> that fetches Google's status list (tests may replace it).</summary>
    public const string StatusListHttpClient = "android-attestation-status";

    public static IServiceCollection AddGoogleAndroidStatusList(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // One long-lived client; connections are recycled so a DNS change at Google is picked up.
        services.TryAddKeyedSingleton(StatusListHttpClient, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
        {
            Timeout = TimeSpan.FromSeconds(15),
            MaxResponseContentBufferSize = 64 * 1024 * 1024,
        });
        services.AddSingleton<IAndroidStatusListFetcher>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AndroidKeyAttestationOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.StatusListFile)
                ? new GoogleAndroidStatusListFetcher(provider.GetRequiredKeyedService<HttpClient>(StatusListHttpClient), options.StatusListUri)
                : new FileAndroidStatusListFetcher(options.StatusListFile);
        });
        return services;
    }
}
