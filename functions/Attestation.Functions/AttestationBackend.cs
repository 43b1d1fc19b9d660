using Attestation.Azure.AppleAppAttestServer;
using Attestation.Azure.KeyVault;
using Attestation.Azure.Tables;
using Attestation.Core;
using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Challenges;
using Attestation.Core.Devices;
using Attestation.Core.Health;
using Attestation.Core.Maintenance;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Revocation;
using Attestation.Core.Secrets;
using Attestation.Core.Telemetry;
using Attestation.Core.Tokens;
using Attestation.Functions.Telemetry;
using Attestation.Google.Android;
using Attestation.Google.PlayIntegrity;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Functions;

/// <summary>
/// The one dependency setup of the backend. The Functions host (Program.cs) and the local host (tools/Attestation.LocalHost)
/// both call it, so what runs locally is what runs in Azure.
/// </summary>
public static class AttestationBackend
{
    public static IServiceCollection AddAttestationBackend(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        // Development relaxations only where the environment says Development, production rules everywhere else.
        var mode = DeploymentMode.From(configuration);
        var production = mode.IsProduction;
        services.AddSingleton(mode);

        // Options: a bad setting stops the start with a message that names it, not the first request.
        services.AddOptions<AppPolicyOptions>().Bind(configuration.GetSection(AppPolicyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppPolicyOptions>, AppPolicyOptionsValidator>();
        services.AddOptions<TokenOptions>().Bind(configuration.GetSection(TokenOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RevocationOptions>().Bind(configuration.GetSection(RevocationOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChallengeOptions>().Bind(configuration.GetSection(ChallengeOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SigningKeyOptions>().Bind(configuration.GetSection(SigningKeyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningKeyOptions>>(provider =>
            new SigningKeyOptionsValidator(production, provider.GetRequiredService<IOptions<TokenOptions>>().Value.Algorithm));
        services.AddOptions<ChallengeKeyOptions>().Bind(configuration.GetSection(ChallengeKeyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChallengeKeyOptions>>(provider =>
            new ChallengeKeyOptionsValidator(provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value.KeyVaultUri is not null, production));
        services.AddOptions<TableStorageOptions>().Bind(configuration.GetSection(TableStorageOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString) || o.TableServiceUri is not null,
                "Set Attestation:Storage:TableServiceUri (Azure, managed identity) or Attestation:Storage:ConnectionString (Azurite).")
            .ValidateOnStart();

        // The platforms: each registers itself (options, verifiers, policy checks) from its own folder of Attestation.Core.
        services.AddAppleAppAttestPlatform(configuration, production);
        services.AddAndroidKeyAttestationPlatform(configuration, production);
        services.AddGoogleAndroidStatusList();
        services.AddPlayIntegrityPlatform(configuration, production);
        services.AddGooglePlayIntegrityDecoder();
        services.AddDebugPlatform(production);
        services.AddAppleRiskMetric(configuration, production);
        services.AddAppleAppAttestServer();
        services.AddSingleton<PlatformCatalog>();
        services.AddSingleton<AppPolicyReader>();
        services.AddAppRegistryAndAdminApi(configuration);

        // Domain services.
        services.AddSingleton<ChallengeService>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<AttestationService>();
        services.AddSingleton<RevocationView>();
        services.AddSingleton<TokenVerificationService>();
        services.AddSingleton<ExpiredRecordCleaner>();

        // Metrics (instruments in Core) and their export (OpenTelemetry to Azure Monitor, when configured).
        services.AddSingleton<AttestationMetrics>();
        services.AddAttestationTelemetry(configuration);

        // Table Storage. A TableStorage registered by the caller wins, and so do client options registered by the caller
        // (tests count the requests that reach Azurite).
        services.TryAddSingleton(_ => TableStorage.CreateClientOptions());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
            var clientOptions = provider.GetRequiredService<TableClientOptions>();
            var service = !string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new TableServiceClient(options.ConnectionString, clientOptions)
                : new TableServiceClient(options.TableServiceUri, provider.GetRequiredService<TokenCredential>(), clientOptions);
            return new TableStorage(service, options.TablePrefix);
        });
        services.AddSingleton<IUsedChallengeStore, TableUsedChallengeStore>();
        services.AddSingleton<TableDeviceStore>();
        services.AddSingleton<IDeviceStore>(provider => provider.GetRequiredService<TableDeviceStore>());
        services.AddSingleton<IAppleRiskMetricDevices>(provider => provider.GetRequiredService<TableDeviceStore>());
        services.AddSingleton<IConsumedTokenStore, TableConsumedTokenStore>();
        services.AddSingleton<IAndroidBatchCertificateStore, TableAndroidBatchCertificateStore>();
        services.AddSingleton<AndroidBatchCertificateLimit>();
        services.AddSingleton<IRevocationLog>(provider => new TableRevocationLog(provider.GetRequiredService<TableStorage>()));
        services.AddSingleton<IDependencyHealthCheck>(provider => new CachedHealthCheck(
            new TableStorageHealthCheck(provider.GetRequiredService<TableStorage>()), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDependencyHealthCheck, SigningKeyHealthCheck>();

        // One credential for every Azure client. With a user-assigned managed identity, DefaultAzureCredential needs
        // AZURE_CLIENT_ID set to that identity's client id (the infrastructure sets it).
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());

        // One Key Vault client for the signing key and the apps' secrets, resolved only when a vault is configured; a
        // client registered by the caller wins (tests point one at the fake vault).
        services.TryAddSingleton(provider => new SecretClient(
            provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value.KeyVaultUri
                ?? throw new InvalidOperationException("A SecretClient is only needed when Attestation:SigningKey:KeyVaultUri is set."),
            provider.GetRequiredService<TokenCredential>(),
            KeyVaultSigningKeyProvider.CreateClientOptions()));

        // The apps' named secrets: the signing key's vault when one is configured, Attestation:Secrets otherwise (the local run).
        services.AddSingleton<ISecretStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value;
            if (options.KeyVaultUri is null)
            {
                return new ConfigurationSecretStore(configuration.GetSection(ConfigurationSecretStore.SectionName).AsEnumerable(makePathsRelative: true));
            }

            // The SecretClient registered by the caller, if any (tests point one at the fake vault), as for the signing key.
            var client = provider.GetRequiredService<SecretClient>();
            return new KeyVaultSecretStore(client, options.RefreshInterval,
                provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<KeyVaultSecretStore>>());
        });

        // The signing key: Key Vault when a vault is configured, configuration otherwise (the local run).
        services.AddSingleton<ISigningKeyProvider>(provider =>
        {
            var algorithm = provider.GetRequiredService<IOptions<TokenOptions>>().Value.Algorithm;
            var options = provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value;
            if (options.KeyVaultUri is null)
            {
                return new ConfigurationSigningKeyProvider(provider.GetRequiredService<IOptions<SigningKeyOptions>>(), algorithm);
            }

            var client = provider.GetRequiredService<SecretClient>();
            return new KeyVaultSigningKeyProvider(
                client,
                options.SecretName,
                options.RefreshInterval,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<KeyVaultSigningKeyProvider>>(),
                algorithm,
                provider.GetRequiredService<AttestationMetrics>());
        });

        // The challenge key: from the signing key's vault when one is configured, configuration otherwise (the local run).
        services.AddSingleton<IChallengeKeyProvider>(provider =>
        {
            if (provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value.KeyVaultUri is null)
            {
                return new ConfigurationChallengeKeyProvider(provider.GetRequiredService<IOptions<ChallengeKeyOptions>>());
            }

            var options = provider.GetRequiredService<IOptions<ChallengeKeyOptions>>().Value;
            return new KeyVaultChallengeKeyProvider(
                provider.GetRequiredService<SecretClient>(),
                options.SecretName,
                options.RefreshInterval,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<KeyVaultChallengeKeyProvider>>());
        });

        return services;
    }

}
