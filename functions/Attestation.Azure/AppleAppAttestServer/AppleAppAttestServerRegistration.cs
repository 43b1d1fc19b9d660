using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Azure.AppleAppAttestServer;

/// <summary>Registers Apple's App Attest server client as the risk metric's <see cref="IAppleAppAttestServer"/>.</summary>
public static class AppleAppAttestServerRegistration
{
    public static IServiceCollection AddAppleAppAttestServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // One client for the process, its connections recycled so that a change of Apple's addresses is followed; the
        // timeout is the client's own, on the injected clock.
        // A client registered by the caller wins (tests point one at the fake server, trusting its certificate).
        services.TryAddSingleton<IAppleAppAttestServer>(provider => new AppleAppAttestServerClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            provider.GetRequiredService<IOptions<AppleRiskMetricOptions>>(),
            provider.GetRequiredService<ISecretStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AppleAppAttestServerClient>>()));
        return services;
    }
}
