using System.Text.Json.Nodes;
using Attestation.Azure.Tables;
using Attestation.Core.Challenges;
using Attestation.Core.Tokens;
using Attestation.Functions;
using Attestation.Functions.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The Function App's app settings are the ones the code reads (names derived from the options classes, so a rename
/// breaks this test), and with the template's values they pass the checks the app makes at start.
/// </summary>
public sealed class FunctionAppSettingsTests
{
    // Stand-ins for what only a deployment knows (resource names, endpoints, client ids).
    private static readonly Dictionary<string, string> DeploymentValues = new(StringComparer.Ordinal)
    {
        ["storageAccountName"] = "stexample",
        ["identityClientId"] = "00000000-0000-0000-0000-000000000001",
        ["applicationInsightsConnectionString"] = "InstrumentationKey=00000000-0000-0000-0000-000000000002;IngestionEndpoint=https://example.in.applicationinsights.azure.com/",
        ["tableEndpoint"] = "https://stexample.table.core.windows.net/",
        ["keyVaultUri"] = "https://kv-example.vault.azure.net/",
        ["tokenIssuer"] = "api://func-example",
        ["tokenClockSkew"] = "00:00:00",
        ["signingSecretName"] = "token-signing-key",
        ["tokenAlgorithm"] = "HS256",
    };

    [Fact]
    public async Task TheAppSettingsAreExactlyTheOnesTheBackendAndTheFunctionsHostRead()
    {
        var settings = await AppSettingsAsync();

        string[] expected =
        [
            Setting(TableStorageOptions.SectionName, nameof(TableStorageOptions.TableServiceUri)),
            Setting(TableStorageOptions.SectionName, nameof(TableStorageOptions.TablePrefix)),
            Setting(TokenOptions.SectionName, nameof(TokenOptions.Issuer)),
            Setting(TokenOptions.SectionName, nameof(TokenOptions.Audience)),
            Setting(TokenOptions.SectionName, nameof(TokenOptions.Lifetime)),
            Setting(TokenOptions.SectionName, nameof(TokenOptions.ClockSkew)),
            Setting(TokenOptions.SectionName, nameof(TokenOptions.Algorithm)),
            Setting(ChallengeOptions.SectionName, nameof(ChallengeOptions.Lifetime)),
            Setting(SigningKeyOptions.SectionName, nameof(SigningKeyOptions.KeyVaultUri)),
            Setting(SigningKeyOptions.SectionName, nameof(SigningKeyOptions.SecretName)),
            Setting(SigningKeyOptions.SectionName, nameof(SigningKeyOptions.RefreshInterval)),
            // The challenge MAC key's secret (issue 17); its options class comes with the challenge key's own change.
            "Attestation__ChallengeKey__SecretName",
            "AZURE_CLIENT_ID",
            "AzureWebJobsStorage__accountName",
            "AzureWebJobsStorage__credential",
            "AzureWebJobsStorage__clientId",
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), settings.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheHostStorageAndTelemetryUseTheManagedIdentity()
    {
        var settings = await AppSettingsAsync();

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AZURE_CLIENT_ID"]);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
    }

    [Fact]
    public async Task TheSigningKeyComesFromKeyVaultAndNeverFromAppSettings()
    {
        var settings = await AppSettingsAsync();

        Assert.DoesNotContain(settings.Keys, k => k.Contains("__Current__", StringComparison.Ordinal) || k.Contains("__Previous__", StringComparison.Ordinal));
        Assert.DoesNotContain(Setting(TableStorageOptions.SectionName, nameof(TableStorageOptions.ConnectionString)), settings.Keys);
    }

    [Fact]
    public async Task TheTemplateNeverAsksForTheDevelopmentRelaxations()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = await AppSettingsAsync();
        var values = settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)Resolve(template, s.Value), StringComparer.Ordinal);

        // Issue 16, finding 6: the relaxed rules apply only to an explicit Development, which a deployment must not set.
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("_ENVIRONMENT", StringComparison.OrdinalIgnoreCase));
        Assert.True(DeploymentMode.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).IsProduction);
    }

    [Fact]
    public async Task WithTheTemplatesValuesEveryOptionsCheckOfTheStartPasses()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = await AppSettingsAsync();
        var values = settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)Resolve(template, s.Value), StringComparer.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAttestationBackend(configuration);
        await using var provider = services.BuildServiceProvider();

        var storage = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
        var token = provider.GetRequiredService<IOptions<TokenOptions>>().Value;
        var challenge = provider.GetRequiredService<IOptions<ChallengeOptions>>().Value;
        var signing = provider.GetRequiredService<IOptions<SigningKeyOptions>>().Value;

        Assert.Equal(new Uri("https://stexample.table.core.windows.net/"), storage.TableServiceUri);
        Assert.Null(storage.ConnectionString);
        Assert.Equal("api://contoso-apis", token.Audience);
        Assert.Equal(TimeSpan.FromMinutes(5), token.Lifetime);
        Assert.Equal(TimeSpan.Zero, token.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(5), challenge.Lifetime);
        Assert.Equal(new Uri("https://kv-example.vault.azure.net/"), signing.KeyVaultUri);
        Assert.Equal("token-signing-key", signing.SecretName);
        // The validator of production (AZURE_FUNCTIONS_ENVIRONMENT is not Development): the key must come from Key Vault.
        Assert.True(new SigningKeyOptionsValidator(production: true).Validate(null, signing).Succeeded);
    }

    [Fact]
    public async Task TheClockSkewIsTheSameNumberOfSecondsForTheBackendAndForTheEdge()
    {
        var template = await CompiledTemplate.GetAsync();

        var backendSkew = template.ModuleArguments("function-app")["tokenClockSkew"]!["value"]!.GetValue<string>();
        var edgeSkew = template.ModuleArguments("api-management")["tokenClockSkewSeconds"]!["value"]!.GetValue<string>();

        Assert.Equal("[parameters('tokenClockSkewSeconds')]", edgeSkew);
        Assert.Contains("parameters('tokenClockSkewSeconds'), 60", backendSkew, StringComparison.Ordinal);
        Assert.Equal(0, template.DefaultOf("tokenClockSkewSeconds")!.GetValue<int>());
    }

    [Fact]
    public async Task TheEntraIdSettingsAreTheOnesTheBackendReadsAndAppearOnlyWithAnApiClientId()
    {
        var template = await CompiledTemplate.GetAsync();
        var entraId = template.Module("function-app")["variables"]!["entraIdAppSettings"]!.GetValue<string>();

        Assert.StartsWith("[if(empty(parameters('entraApiClientId')), createObject(), createObject(", entraId, StringComparison.Ordinal);
        Assert.Contains($"'{Setting(EntraIdOptions.SectionName, nameof(EntraIdOptions.Instance))}', parameters('entraInstance')", entraId, StringComparison.Ordinal);
        Assert.Contains($"'{Setting(EntraIdOptions.SectionName, nameof(EntraIdOptions.TenantId))}', parameters('entraTenantId')", entraId, StringComparison.Ordinal);
        Assert.Contains($"'{Setting(EntraIdOptions.SectionName, nameof(EntraIdOptions.ClientId))}', parameters('entraApiClientId')", entraId, StringComparison.Ordinal);

        var arguments = template.ModuleArguments("function-app");
        Assert.Equal("[environment().authentication.loginEndpoint]", arguments["entraInstance"]!["value"]!.GetValue<string>());
        Assert.Equal("[parameters('entraApiClientId')]", arguments["entraApiClientId"]!["value"]!.GetValue<string>());
        Assert.Equal("[if(empty(parameters('entraTenantId')), subscription().tenantId, parameters('entraTenantId'))]", template.Root["variables"]!["effectiveEntraTenantId"]!.GetValue<string>());
        Assert.Equal("[variables('effectiveEntraTenantId')]", arguments["entraTenantId"]!["value"]!.GetValue<string>());
        Assert.Equal("[subscription().tenantId]", template.DefaultOf("entraTenantId")!.GetValue<string>());
        Assert.Equal("", template.DefaultOf("entraApiClientId")!.GetValue<string>());
    }

    [Fact]
    public async Task EveryVerifyKeyHashBecomesOneIndexedSettingAndThereAreNoneByDefault()
    {
        var template = await CompiledTemplate.GetAsync();
        var verifyKeys = template.Module("function-app")["variables"]!["verifyKeyAppSettings"]!.GetValue<string>();
        var name = Setting(CallerAuthorizationOptions.SectionName, nameof(CallerAuthorizationOptions.VerifyKeySha256));

        Assert.Equal(
            $"[toObject(range(0, length(parameters('verifyKeySha256'))), lambda('i', format('{name}__{{0}}', lambdaVariables('i'))), lambda('i', string(parameters('verifyKeySha256')[lambdaVariables('i')])))]",
            verifyKeys);
        Assert.Equal("[variables('verifyKeyHashes')]", template.ModuleArguments("function-app")["verifyKeySha256"]!["value"]!.GetValue<string>());
        Assert.Equal("", template.DefaultOf("verifyKeySha256")!.GetValue<string>());
    }

    [Fact]
    public async Task WithAnApiClientIdAndAKeyHashTheCallerSettingsPassTheChecksOfTheStart()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = await AppSettingsAsync();
        var values = settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)Resolve(template, s.Value), StringComparer.Ordinal);
        // What the template adds when entraApiClientId and verifyKeySha256 are given (names as the template builds them).
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("a verify key"u8));
        values[$"{EntraIdOptions.SectionName}:{nameof(EntraIdOptions.Instance)}"] = "https://login.microsoftonline.com/";
        values[$"{EntraIdOptions.SectionName}:{nameof(EntraIdOptions.TenantId)}"] = "00000000-0000-0000-0000-0000000000aa";
        values[$"{EntraIdOptions.SectionName}:{nameof(EntraIdOptions.ClientId)}"] = "00000000-0000-0000-0000-0000000000bb";
        values[$"{CallerAuthorizationOptions.SectionName}:{nameof(CallerAuthorizationOptions.VerifyKeySha256)}:0"] = hash;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAttestationBackend(configuration);
        await using var provider = services.BuildServiceProvider();

        // Value runs the validators the start runs (a malformed hash or a half-filled Entra ID section throws).
        var entraId = provider.GetRequiredService<IOptions<EntraIdOptions>>().Value;
        var caller = provider.GetRequiredService<IOptions<CallerAuthorizationOptions>>().Value;

        Assert.True(entraId.IsConfigured);
        Assert.Equal("00000000-0000-0000-0000-0000000000aa", entraId.TenantId);
        Assert.Equal([hash], caller.VerifyKeySha256);
    }

    internal static string Setting(string section, string property) => $"{section.Replace(":", "__", StringComparison.Ordinal)}__{property}";

    private static async Task<Dictionary<string, string>> AppSettingsAsync()
    {
        var template = await CompiledTemplate.GetAsync();
        var appSettings = template.OnlyOne("Microsoft.Web/sites/config");
        Assert.Equal(
            "[union(variables('baseAppSettings'), variables('jwksAppSettings'), variables('entraIdAppSettings'), variables('verifyKeyAppSettings'), parameters('additionalAppSettings'))]",
            appSettings.Node["properties"]!.GetValue<string>());
        Assert.Equal("", template.DefaultOf("additionalAppSettings")!.GetValue<string>());
        return template.Module("function-app")["variables"]!["baseAppSettings"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    /// <summary>A setting's value: a literal, a module parameter that main fills from its own default, or a stand-in.</summary>
    private static string Resolve(CompiledTemplate template, string value)
    {
        if (ArmExpressions.ParameterName(value) is not { } parameter)
        {
            return value;
        }

        if (DeploymentValues.TryGetValue(parameter, out var deploymentValue))
        {
            return deploymentValue;
        }

        var argument = template.ModuleArguments("function-app")[parameter]!["value"]!.GetValue<string>();
        var mainParameter = ArmExpressions.ParameterName(argument)
            ?? throw new InvalidOperationException($"No stand-in for '{parameter}' = {argument}.");
        return template.DefaultOf(mainParameter) switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => other?.ToJsonString() ?? throw new InvalidOperationException($"'{mainParameter}' has no default."),
        };
    }
}
