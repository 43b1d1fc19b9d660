using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// main.bicep's parameters refuse, at validation, what Azure would refuse only halfway through a deployment, and
/// main.parameters.json maps what a deployer needs from the azd environment in a form every azd passes with the right type.
/// </summary>
public sealed class DeploymentParameterTests
{
    [Fact]
    public async Task MaximumInstanceCountIsAtLeastFlexConsumptionsLowestMaximumForDotnetIsolated()
    {
        var template = await CompiledTemplate.GetAsync();
        var main = template.Root["parameters"]!["maximumInstanceCount"]!;
        var module = template.Module("function-app")["parameters"]!["maximumInstanceCount"]!;

        Assert.Equal(40, main["minValue"]!.GetValue<int>());
        Assert.Equal(40, module["minValue"]!.GetValue<int>());
        Assert.InRange(main["defaultValue"]!.GetValue<int>(), 40, main["maxValue"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheDeployersPrincipalTypeComesFromTheAzdEnvironmentAndReachesItsRoleAssignment()
    {
        var template = await CompiledTemplate.GetAsync();
        var parameter = template.Root["parameters"]!["principalType"]!;

        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", ParametersFile()["principalType"]!["value"]!.GetValue<string>());
        Assert.Equal(["ServicePrincipal", "User"], parameter["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("[parameters('principalType')]", template.ModuleArguments("keyvault")["deployerPrincipalType"]!["value"]!.GetValue<string>());

        var deployer = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.Properties!["principalId"]!.GetValue<string>() == "[parameters('deployerPrincipalId')]");
        Assert.Equal("[parameters('deployerPrincipalType')]", deployer.Properties!["principalType"]!.GetValue<string>());
    }

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
}
