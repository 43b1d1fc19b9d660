using Attestation.Azure.Tables;
using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace Attestation.Functions;

/// <summary>The app registry (Table Storage, cached), the admin services, and who may call the operator routes.</summary>
public static class AdminApiSetup
{
    public static IServiceCollection AddAppRegistryAndAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // App policies: the table, seeded from configuration (Attestation:Apps), cached in memory.
        services.AddOptions<AppRegistryOptions>().Bind(configuration.GetSection(AppRegistryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAppStore, TableAppStore>();
        services.AddSingleton<AppRegistry>();
        services.AddSingleton<IAppPolicyProvider>(provider => provider.GetRequiredService<AppRegistry>());
        services.AddSingleton<IDeviceDirectory, TableDeviceStore>();
        services.AddSingleton<AppAdministration>();
        services.AddSingleton<DeviceAdministration>();
        services.AddSingleton<BatchCertificateAdministration>();

        // Callers of the operator routes (see CallerAuthorization for why the worker, not the host, checks them).
        var validator = new CallerAuthorizationOptionsValidator();
        services.AddOptions<CallerAuthorizationOptions>().Bind(configuration.GetSection(CallerAuthorizationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallerAuthorizationOptions>>(validator);
        var entraId = configuration.GetSection(EntraIdOptions.SectionName);
        services.AddOptions<EntraIdOptions>().Bind(entraId).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EntraIdOptions>>(validator);
        services.AddSingleton<CallerAuthorization>();
        var entraIdOptions = entraId.Get<EntraIdOptions>();
        if (entraIdOptions?.IsConfigured == true)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddMicrosoftIdentityWebApi(entraId);

            // Both names of this API's registration, whatever the token's version. Left to itself, Microsoft.Identity.Web
            // accepts only api://{client id} in a v1.0 token and only the client id in a v2.0 token, but Entra ID writes
            // either into either: a v1.0 token (what a registration left at its default is issued) carries the client id
            // when the caller asked for "{client id}/.default", as managed identities often do. The issuer and tenant
            // checks are unchanged.
            var clientId = entraIdOptions.ClientId!.Trim();
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
                options => options.TokenValidationParameters.ValidAudiences = [clientId, "api://" + clientId]);
        }

        return services;
    }
}
