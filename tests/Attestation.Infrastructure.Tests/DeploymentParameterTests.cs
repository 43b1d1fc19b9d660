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
}
