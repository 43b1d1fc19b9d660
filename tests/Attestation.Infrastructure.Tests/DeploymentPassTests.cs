namespace Attestation.Infrastructure.Tests;

/// <summary>
/// `azd up` provisions twice: the first pass (signingSecretReady false) before the postprovision hook creates the secrets,
/// the second (true) after. A role assignment can take minutes to apply, so a resource that uses a role while it is being
/// deployed should find it made in an earlier pass. These tests say, for the compiled template, which pass makes each
/// role and each deployment-time use of one, and pin the single exception (API Management's role on the signing secret,
/// which cannot exist before the secret) to what the hook does about it: it provisions the second pass again, bounded
/// (PostprovisionHookTests). They also pin who may read which Key Vault secret.
/// </summary>
public sealed class DeploymentPassTests
{
    private const string SecretsUser = "4633458b-17de-408a-b874-0445c86b69e6"; // Key Vault Secrets User

    /// <summary>1 when the resource is deployed in both passes, 2 when only once the secrets exist.</summary>
    private static int Pass(TemplateResource resource) => resource.Node["condition"]?.GetValue<string>() switch
    {
        null => 1,
        "[parameters('signingSecretReady')]" => 2,
        // The same pass, and only in HS256 mode: in ES256 mode API Management reads no secret (Es256EdgeTests).
        "[variables('apiManagementReadsSigningSecret')]" or "[variables('readsSigningSecret')]" => 2,
        "[not(empty(parameters('deployerPrincipalId')))]" => 1,
        var other => throw new InvalidOperationException($"{resource.Type} {resource.Name}: no pass known for the condition {other}."),
    };

    [Fact]
    public async Task EveryRoleExceptApiManagementsIsMadeInTheFirstPass()
    {
        var template = await CompiledTemplate.GetAsync();

        var assignments = template.OfType("Microsoft.Authorization/roleAssignments");

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.Equal(
            a.Properties!["principalId"]!.GetValue<string>() == "[parameters('apiManagementPrincipalId')]" ? 2 : 1,
            Pass(a)));
    }

    [Fact]
    public async Task TheOnlyDeploymentTimeUseOfARoleIsApiManagementsKeyVaultNamedValuesInTheSecondPass()
    {
        var template = await CompiledTemplate.GetAsync();

        // Named values that read Key Vault are the resources ARM cannot create without a data-plane role of their service.
        var readers = template.OfType("Microsoft.ApiManagement/service/namedValues").Where(v => v.Properties!["keyVault"] is not null).ToList();
        var apiManagementRole = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.Properties!["principalId"]!.GetValue<string>() == "[parameters('apiManagementPrincipalId')]");

        Assert.Equal(2, readers.Count);
        Assert.All(readers, v => Assert.Equal(2, Pass(v)));
        // The same pass as the role: the race the hook's bounded retry of the second provision absorbs.
        Assert.Equal(2, Pass(apiManagementRole));
        // Nothing else in the template reads a secret, a key or a certificate from Key Vault while it is deployed.
        Assert.DoesNotContain("keyVaultReferenceIdentity", template.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("@Microsoft.KeyVault(", template.Text, StringComparison.Ordinal);
        Assert.Empty(template.OfType("Microsoft.ApiManagement/service/certificates"));
    }

    [Fact]
    public async Task ApiManagementMayReadTheSigningSecretAndNotTheChallengeKeyNorAnyOtherSecret()
    {
        var template = await CompiledTemplate.GetAsync();

        var apiManagementRoles = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Properties!["principalId"]!.GetValue<string>() == "[parameters('apiManagementPrincipalId')]").ToList();

        var only = Assert.Single(apiManagementRoles);
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), parameters('signingSecretName'))]", only.Node["scope"]!.GetValue<string>());
        Assert.Equal([SecretsUser], ArmExpressions.RoleGuids(template.Module("keyvault"), only));
        Assert.NotEqual(template.DefaultOf("signingSecretName")!.GetValue<string>(), template.DefaultOf("challengeSecretName")!.GetValue<string>());
        Assert.DoesNotContain("challenge", template.ModuleArguments("keyvault").ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheFunctionAppReadsEverySecretOfItsVaultIncludingTheChallengeKeyFromTheFirstPass()
    {
        var template = await CompiledTemplate.GetAsync();

        var functionRole = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.Module == "keyvault" && a.Properties!["principalId"]!.GetValue<string>() == "[parameters('functionPrincipalId')]");

        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]", functionRole.Node["scope"]!.GetValue<string>());
        Assert.Equal([SecretsUser], ArmExpressions.RoleGuids(template.Module("keyvault"), functionRole));
        Assert.Equal(1, Pass(functionRole));
        Assert.Equal("challenge-key", template.DefaultOf("challengeSecretName")!.GetValue<string>());
        Assert.Equal("[parameters('challengeSecretName')]", template.Module("function-app")["variables"]!["baseAppSettings"]!["Attestation__ChallengeKey__SecretName"]!.GetValue<string>());
        Assert.Equal("[parameters('challengeSecretName')]", template.ModuleArguments("function-app")["challengeSecretName"]!["value"]!.GetValue<string>());
    }
}
