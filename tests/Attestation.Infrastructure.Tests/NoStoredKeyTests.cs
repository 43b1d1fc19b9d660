namespace Attestation.Infrastructure.Tests;

/// <summary>No key, connection string with a key, or other stored credential anywhere in the compiled template.</summary>
public sealed class NoStoredKeyTests
{
    [Theory]
    [InlineData("listKeys")]
    [InlineData("listConnectionStrings")]
    [InlineData("listSecrets")]
    [InlineData("listAccountSas")]
    [InlineData("listServiceSas")]
    [InlineData("AccountKey=")]
    [InlineData("SharedAccessKey")]
    [InlineData("SharedAccessSignature")]
    [InlineData("DefaultEndpointsProtocol")]
    [InlineData("Password")]
    public async Task TheTemplateNeverReadsOrWritesAKey(string forbidden)
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.DoesNotContain(forbidden, template.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheOnlyConnectionStringIsApplicationInsightsWhichHasLocalAuthenticationDisabled()
    {
        var template = await CompiledTemplate.GetAsync();

        var settings = template.Module("function-app")["variables"]!["baseAppSettings"]!.AsObject();
        var connectionStrings = settings.Where(s => s.Key.Replace("_", "", StringComparison.Ordinal).Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)).ToList();

        var only = Assert.Single(connectionStrings);
        Assert.Equal("APPLICATIONINSIGHTS_CONNECTION_STRING", only.Key);
        Assert.Equal("[parameters('applicationInsightsConnectionString')]", only.Value!.GetValue<string>());
        Assert.Contains("'monitoring'", template.ModuleArguments("function-app")["applicationInsightsConnectionString"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(template.OnlyOne("Microsoft.Insights/components").Properties!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NoSecretPassesThroughTheDeploymentAsAParameterOrAnOutput()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.DoesNotContain("securestring", template.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secureObject", template.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public async Task NamedValuesWithAValueInTheTemplateAreNotSecrets()
    {
        var template = await CompiledTemplate.GetAsync();

        var withValue = template.OfType("Microsoft.ApiManagement/service/namedValues").Where(v => v.Properties!["value"] is not null).ToList();

        Assert.NotEmpty(withValue);
        Assert.All(withValue, v => Assert.False(v.Properties!["secret"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task TheStorageAccountAndKeyVaultAllowOnlyEntraIdAccess()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.False(template.OnlyOne("Microsoft.Storage/storageAccounts").Properties!["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.True(template.OnlyOne("Microsoft.KeyVault/vaults").Properties!["enableRbacAuthorization"]!.GetValue<bool>());
    }
}
