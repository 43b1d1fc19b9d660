namespace Attestation.Infrastructure.Tests;

/// <summary>The compiled template creates the resources the issue asks for, configured as the backend needs them.</summary>
public sealed class TemplateResourceTests
{
    [Fact]
    public async Task TheFunctionAppRunsDotNet10IsolatedOnFlexConsumptionWithAUserAssignedIdentity()
    {
        var template = await CompiledTemplate.GetAsync();

        var plan = template.OnlyOne("Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", plan.Node["sku"]!["tier"]!.GetValue<string>());
        Assert.Equal("FC1", plan.Node["sku"]!["name"]!.GetValue<string>());

        var site = template.OnlyOne("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site.Node["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site.Node["identity"]!["type"]!.GetValue<string>());
        Assert.Contains("createObject('azd-service-name', 'api')", site.Node["tags"]!.GetValue<string>(), StringComparison.Ordinal);
        var config = site.Properties!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.True(site.Properties!["httpsOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BasicAuthPublishingIsOffForScmAndFtp()
    {
        var template = await CompiledTemplate.GetAsync();

        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(["ftp", "scm"], policies.Select(p => ChildName(p.Name)).Order().ToArray());
        Assert.All(policies, p => Assert.False(p.Properties!["allow"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task TheStorageAccountRefusesSharedKeysAndHoldsTheBackendTables()
    {
        var template = await CompiledTemplate.GetAsync();

        var storage = template.OnlyOne("Microsoft.Storage/storageAccounts").Properties!;
        Assert.False(storage["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(storage["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(storage["defaultToOAuthAuthentication"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage["minimumTlsVersion"]!.GetValue<string>());

        var tables = template.Module("storage")["variables"]!["tableNames"]!.ToJsonString();
        foreach (var table in new[] { "usedchallenges", "devices", "consumedtokens", "apps", "revocations" })
        {
            Assert.Contains(table, tables, StringComparison.Ordinal);
        }

        Assert.Single(template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables"));
    }

    [Fact]
    public async Task TheKeyVaultUsesRbacWithSoftDeleteAndPurgeProtection()
    {
        var template = await CompiledTemplate.GetAsync();

        var vault = template.OnlyOne("Microsoft.KeyVault/vaults").Properties!;

        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Null(vault["accessPolicies"]);
        Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public async Task ApplicationInsightsIsWorkspaceBasedAndAcceptsOnlyEntraIdTelemetry()
    {
        var template = await CompiledTemplate.GetAsync();

        var insights = template.OnlyOne("Microsoft.Insights/components").Properties!;

        Assert.True(insights["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", insights["WorkspaceResourceId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(template.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public async Task ApiManagementIsConsumptionByDefaultWithItsOwnIdentity()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("Consumption", template.DefaultOf("apiManagementSku")!.GetValue<string>());
        var allowed = template.Root["parameters"]!["apiManagementSku"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Contains("Developer", allowed);
        var service = template.OnlyOne("Microsoft.ApiManagement/service");
        Assert.Equal("UserAssigned", service.Node["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("[parameters('sku')]", service.Node["sku"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheAttestationApiFrontsChallengeAttestAndRefreshOnTheFunctionApp()
    {
        var template = await CompiledTemplate.GetAsync();
        var module = template.Module("api-management");

        var operations = module["variables"]!["attestationOperations"]!.AsArray()
            .Select(o => o!["urlTemplate"]!.GetValue<string>()).Order().ToArray();
        // The well-known routes serve ES256 mode's public keys (404 not_found from the backend in HS256 mode).
        Assert.Equal(["/.well-known/jwks.json", "/.well-known/openid-configuration", "/v1/attest", "/v1/challenge", "/v1/token/refresh"], operations);

        var backend = template.OnlyOne("Microsoft.ApiManagement/service/backends").Properties!;
        Assert.Equal("[format('https://{0}/api', parameters('functionAppHostName'))]", backend["url"]!.GetValue<string>());
        var hostName = Argument(template, "api-management", "functionAppHostName");
        Assert.Contains("'function-app'", hostName, StringComparison.Ordinal);
        Assert.Contains("outputs.defaultHostName", hostName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSigningKeyNamedValuesComeFromKeyVaultThroughTheApiManagementIdentity()
    {
        var template = await CompiledTemplate.GetAsync();

        var keyVaultValues = template.OfType("Microsoft.ApiManagement/service/namedValues")
            .Where(v => v.Properties!["keyVault"] is not null).ToList();

        Assert.Equal(2, keyVaultValues.Count);
        Assert.All(keyVaultValues, v =>
        {
            Assert.True(v.Properties!["secret"]!.GetValue<bool>());
            Assert.Equal("[parameters('identityClientId')]", v.Properties!["keyVault"]!["identityClientId"]!.GetValue<string>());
            Assert.Null(v.Properties!["value"]);
        });
        Assert.Contains("apiManagementIdentityClientId", template.ModuleArguments("api-management")["identityClientId"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePolicyFragmentsAreLoadedFromThePolicyFiles()
    {
        var template = await CompiledTemplate.GetAsync();

        var fragments = template.OfType("Microsoft.ApiManagement/service/policyFragments");

        Assert.Equal(
            ["attestation-token-problem", "check-attestation-token-binding"],
            fragments.Where(f => f.Module == "api-management").Select(f => ChildName(f.Name)).Order().ToArray());
        // The token fragment is made per set of apps by its own module, which the sample API calls.
        var tokenFragment = Assert.Single(fragments, f => f.Module == "sample-token-fragment");
        Assert.Contains("'validate-attestation-token-{0}'", tokenFragment.Name, StringComparison.Ordinal);
        // Bicep inlines each loadTextContent as a variable: every policy file, verbatim, and nothing else.
        var loaded = new[] { template.Module("api-management"), template.NestedModule("sample-token-fragment") }
            .SelectMany(m => m["variables"]!.AsObject())
            .Where(v => v.Key.StartsWith("$fxv#", StringComparison.Ordinal))
            .Select(v => v.Value!.GetValue<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var files = Directory.GetFiles(Path.Combine(Attestation.TestSupport.RepositoryPaths.Root, "infra", "policies"), "*.xml")
            .Select(File.ReadAllText).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files, loaded);
        Assert.All(fragments, f => Assert.Equal("xml", f.Properties!["format"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RateLimitsByKeyAreAddedOnlyWhereTheSkuHasThem()
    {
        var template = await CompiledTemplate.GetAsync();
        var variables = template.Module("api-management")["variables"]!.AsObject();
        var sampleFragment = template.NestedModule("sample-token-fragment");

        Assert.Equal("[not(equals(parameters('sku'), 'Consumption'))]", variables["supportsRateLimitByKey"]!.GetValue<string>());
        Assert.Contains("if(variables('supportsRateLimitByKey')", variables["attestationApiPolicy"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("if(parameters('perDeviceRateLimit')", sampleFragment["variables"]!["fragmentText"]!.GetValue<string>(), StringComparison.Ordinal);
        var perDevice = template.AllResources().Single(r => r.Name == "sample-token-fragment").Properties!["parameters"]!["perDeviceRateLimit"]!["value"]!.GetValue<string>();
        Assert.Equal("[variables('supportsRateLimitByKey')]", perDevice);
    }

    public static TheoryData<string, string, string> ExpectedRoles => new()
    {
        // module, principal parameter, role GUID (name)
        { "storage", "functionPrincipalId", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" }, // Storage Blob Data Owner
        { "storage", "functionPrincipalId", "974c5e8b-45b9-4653-ba55-5f855dd0fb88" }, // Storage Queue Data Contributor
        { "storage", "functionPrincipalId", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" }, // Storage Table Data Contributor
        { "keyvault", "functionPrincipalId", "4633458b-17de-408a-b874-0445c86b69e6" }, // Key Vault Secrets User
        { "keyvault", "apiManagementPrincipalId", "4633458b-17de-408a-b874-0445c86b69e6" }, // Key Vault Secrets User
        { "keyvault", "deployerPrincipalId", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" }, // Key Vault Secrets Officer
        { "monitoring", "functionPrincipalId", "3913510d-42f4-4e42-8a64-420c390055eb" }, // Monitoring Metrics Publisher
    };

    [Theory]
    [MemberData(nameof(ExpectedRoles))]
    public async Task EachIdentityHasItsRoleByGuid(string module, string principalParameter, string roleGuid)
    {
        var template = await CompiledTemplate.GetAsync();
        var moduleTemplate = template.Module(module);

        var assignments = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Module == module && a.Properties!["principalId"]!.GetValue<string>() == $"[parameters('{principalParameter}')]")
            .ToList();

        Assert.Contains(assignments, a => ArmExpressions.RoleGuids(moduleTemplate, a).Contains(roleGuid));
    }

    [Fact]
    public async Task ApiManagementReadsTheSigningSecretOnlyAndOnlyOnceItExists()
    {
        var template = await CompiledTemplate.GetAsync();

        var assignment = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.Properties!["principalId"]!.GetValue<string>() == "[parameters('apiManagementPrincipalId')]");

        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), parameters('signingSecretName'))]", assignment.Node["scope"]!.GetValue<string>());
        // Once the secret exists, and only in HS256 mode: in ES256 mode API Management reads no secret (TokenAlgorithmModeTests).
        Assert.Equal("[variables('apiManagementReadsSigningSecret')]", assignment.Node["condition"]!.GetValue<string>());
        Assert.Equal("[and(parameters('signingSecretReady'), equals(parameters('tokenAlgorithm'), 'HS256'))]",
            template.Module("keyvault")["variables"]!["apiManagementReadsSigningSecret"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoIdentityHasARoleBeyondTheExpectedOnes()
    {
        var template = await CompiledTemplate.GetAsync();
        var expected = ExpectedRoles.Select(r => ((string)r[0], (string)r[1], (string)r[2])).ToHashSet();

        var actual = template.OfType("Microsoft.Authorization/roleAssignments")
            .SelectMany(a => ArmExpressions.RoleGuids(template.Module(a.Module), a)
                .Select(g => (a.Module, ArmExpressions.ParameterName(a.Properties!["principalId"]!.GetValue<string>()) ?? "?", g)))
            .ToHashSet();

        Assert.Equal(expected.Order(), actual.Order());
    }

    [Fact]
    public async Task ManagedIdentitiesAreAssignedAsServicePrincipalsAndTheRightIdentityIsPassedToEachModule()
    {
        var template = await CompiledTemplate.GetAsync();

        var assignments = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Properties!["principalId"]!.GetValue<string>() != "[parameters('deployerPrincipalId')]");
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a.Properties!["principalType"]!.GetValue<string>()));

        foreach (var module in new[] { "storage", "keyvault", "monitoring" })
        {
            Assert.Contains("functionIdentityPrincipalId", Argument(template, module, "functionPrincipalId"), StringComparison.Ordinal);
        }

        Assert.Contains("apiManagementIdentityPrincipalId", Argument(template, "keyvault", "apiManagementPrincipalId"), StringComparison.Ordinal);
        Assert.Equal("[parameters('principalId')]", template.ModuleArguments("keyvault")["deployerPrincipalId"]!["value"]!.GetValue<string>());
    }

    private static string Argument(CompiledTemplate template, string module, string parameter) =>
        template.ModuleArguments(module)[parameter]!["value"]!.GetValue<string>();

    /// <summary>The last segment of a child resource's name, e.g. 'scm' of [format('{0}/{1}', parameters('x'), 'scm')].</summary>
    private static string ChildName(string armName)
    {
        if (!armName.StartsWith('['))
        {
            return armName.Split('/')[^1];
        }

        var end = armName.LastIndexOf('\'');
        var start = armName.LastIndexOf('\'', end - 1);
        return armName[(start + 1)..end];
    }
}
