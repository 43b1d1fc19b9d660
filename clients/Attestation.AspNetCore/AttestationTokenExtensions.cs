using Attestation.AspNetCore.Keys;
using Attestation.AspNetCore.Verify;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore;

/// <summary>Registers attestation token authentication and the verify client.</summary>
public static class AttestationTokenExtensions
{
    /// <summary>Adds the scheme <see cref="AttestationTokenDefaults.AuthenticationScheme"/>.</summary>
    /// <exception cref="OptionsValidationException">At start, when the options accept too much or nothing (see <see cref="AttestationTokenOptions"/>).</exception>
    public static AuthenticationBuilder AddAttestationToken(this AuthenticationBuilder builder, Action<AttestationTokenOptions> configureOptions) =>
        builder.AddAttestationToken(AttestationTokenDefaults.AuthenticationScheme, configureOptions);

    /// <summary>Adds an attestation token scheme named <paramref name="authenticationScheme"/> (several schemes may differ in apps, consumption or enforcement).</summary>
    /// <exception cref="OptionsValidationException">At start, when the options accept too much or nothing (see <see cref="AttestationTokenOptions"/>).</exception>
    public static AuthenticationBuilder AddAttestationToken(this AuthenticationBuilder builder, string authenticationScheme, Action<AttestationTokenOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<AttestationKeySources>();
        builder.Services.TryAddSingleton<AttestationTokenMetrics>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AttestationTokenOptions>, AttestationTokenOptionsValidator>());
        builder.Services.AddOptions<AttestationTokenOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<AttestationTokenOptions, AttestationTokenHandler>(authenticationScheme, configureOptions);
    }

    /// <summary>Adds <see cref="AttestationVerifyClient"/> as a typed HTTP client.</summary>
    /// <exception cref="OptionsValidationException">At start, when <see cref="AttestationVerifyClientOptions.VerifyUri"/> is missing or the credential has no scope.</exception>
    public static IHttpClientBuilder AddAttestationVerifyClient(this IServiceCollection services, Action<AttestationVerifyClientOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureOptions);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AttestationVerifyClientOptions>, AttestationVerifyClientOptionsValidator>());
        services.AddOptions<AttestationVerifyClientOptions>().Configure(configureOptions).ValidateOnStart();
        return services.AddHttpClient<AttestationVerifyClient>();
    }

    /// <summary>The attestation token check of this request, or null when no attestation scheme ran.</summary>
    public static AttestationTokenResult? GetAttestationToken(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IAttestationTokenFeature>()?.Result;
    }
}
