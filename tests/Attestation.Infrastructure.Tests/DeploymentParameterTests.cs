using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// main.bicep's parameters refuse, at validation, what Azure would refuse only halfway through a deployment, and
/// main.parameters.json maps what a deployer needs from the azd environment in a form every azd passes with the right type.
/// </summary>
public sealed partial class DeploymentParameterTests
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
    public async Task TheLocationIsOneOfAListOfRegionsThatAzdOffersAsALocation()
    {
        var template = await CompiledTemplate.GetAsync();
        var location = template.Root["parameters"]!["location"]!;

        var allowed = location["allowedValues"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

        Assert.NotEmpty(allowed);
        Assert.All(allowed, region => Assert.Matches("^[a-z0-9]+$", region));
        Assert.Equal(allowed.Count, allowed.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("eastus", allowed);
        Assert.Null(location["defaultValue"]);
        Assert.Equal("location", location["metadata"]!["azd"]!["type"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", ParametersFile()["location"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheKeyVaultNameTakesTheAzdSuffixAndStaysAsBeforeWithoutIt()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("${KEY_VAULT_NAME_SUFFIX=}", ParametersFile()["keyVaultNameSuffix"]!["value"]!.GetValue<string>());
        Assert.Equal(7, template.Root["parameters"]!["keyVaultNameSuffix"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(
            "[if(empty(parameters('keyVaultNameSuffix')), format('kv-{0}', variables('resourceToken')), format('kv-{0}-{1}', variables('resourceToken'), parameters('keyVaultNameSuffix')))]",
            template.Root["variables"]!["keyVaultName"]!.GetValue<string>());
        Assert.Equal("[variables('keyVaultName')]", template.ModuleArguments("keyvault")["keyVaultName"]!["value"]!.GetValue<string>());
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

    [Fact]
    public async Task VerifyKeyHashesArriveAsAStringSoEveryAzdPassesThemWithTheirType()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("string", template.Root["parameters"]!["verifyKeySha256"]!["type"]!.GetValue<string>());
        Assert.Equal("${VERIFY_KEY_SHA256=}", ParametersFile()["verifyKeySha256"]!["value"]!.GetValue<string>());
        Assert.Equal("[variables('verifyKeyHashes')]", template.ModuleArguments("function-app")["verifyKeySha256"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("aa", new[] { "aa" })]
    [InlineData("aa,bb", new[] { "aa", "bb" })]
    [InlineData(" aa , bb ,", new[] { "aa", "bb" })]
    [InlineData("[\"aa\", \"bb\"]", new[] { "aa", "bb" })]
    [InlineData("[]", new string[0])]
    public async Task TheVerifyKeyHashesAreReadFromACommaSeparatedListOrAJsonArray(string text, string[] expected)
    {
        var values = await EvaluateVerifyKeyHashesAsync(text);

        Assert.Equal(expected, values.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("  ", "{}")]
    [InlineData("{}", "{}")]
    [InlineData("{\"Attestation__PlayIntegrity__Timeout\": \"00:00:10\"}", "{\"Attestation__PlayIntegrity__Timeout\":\"00:00:10\"}")]
    public async Task AdditionalAppSettingsAreReadFromTheTextOfAJsonObject(string text, string expected)
    {
        var value = await EvaluateAsync("additionalSettings", "additionalAppSettings", text);

        Assert.Equal(expected, value.ToJsonString());
    }

    [Fact]
    public async Task AdditionalAppSettingsArriveAsAStringAndReachTheAppSettingsAsAnObject()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal("string", template.Root["parameters"]!["additionalAppSettings"]!["type"]!.GetValue<string>());
        Assert.Equal("${ADDITIONAL_APP_SETTINGS=}", ParametersFile()["additionalAppSettings"]!["value"]!.GetValue<string>());
        Assert.Equal("[variables('additionalSettings')]", template.ModuleArguments("function-app")["additionalAppSettings"]!["value"]!.GetValue<string>());
        Assert.Equal("object", template.Module("function-app")["parameters"]!["additionalAppSettings"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryParameterOfMainIsMappedFromTheAzdEnvironment()
    {
        var template = await CompiledTemplate.GetAsync();
        var declared = template.Root["parameters"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);

        var mapped = ParametersFile().Select(p => p.Key).Order(StringComparer.Ordinal);

        Assert.Equal(declared, mapped);
        Assert.All(ParametersFile(), p => Assert.Matches(@"^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$", p.Value!["value"]!.GetValue<string>()));
    }

    // azd substitutes the environment value into the string and converts it to a bool or an int for such a parameter; an
    // array or object parameter stays a string in azd releases before about February 2026 (Azure/azure-dev pull request
    // 6694 added the JSON parsing), which ARM refuses, so no mapped parameter is an array or an object.
    [Fact]
    public async Task EachMappingsDefaultIsTheTemplatesDefaultInTheParametersType()
    {
        var template = await CompiledTemplate.GetAsync();

        foreach (var (name, mapping) in ParametersFile())
        {
            var parameter = template.Root["parameters"]![name]!;
            var type = parameter["type"]!.GetValue<string>();
            var match = Regex.Match(mapping!["value"]!.GetValue<string>(), @"^\$\{[A-Z0-9_]+(?:=(?<default>[^}]*))?\}$");
            Assert.Contains(type, new[] { "string", "int", "bool" });
            if (!match.Groups["default"].Success)
            {
                Assert.True(parameter["defaultValue"] is null || name == "principalId", $"{name} has a default the mapping drops.");
                continue;
            }

            var text = match.Groups["default"].Value;
            var expected = parameter["defaultValue"];
            switch (type)
            {
                case "int":
                    Assert.Equal(expected!.GetValue<int>(), int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "bool":
                    Assert.Equal(expected!.GetValue<bool>(), bool.Parse(text));
                    break;
                case "string" when name == "entraTenantId":
                    // An empty value means the subscription's tenant, the template's default (effectiveEntraTenantId).
                    Assert.Equal("", text);
                    Assert.Equal("[subscription().tenantId]", expected!.GetValue<string>());
                    break;
                default:
                    Assert.Equal(expected!.GetValue<string>(), text);
                    break;
            }

            if (parameter["allowedValues"] is JsonArray allowed && text.Length > 0)
            {
                Assert.Contains(text, allowed.Select(v => v!.ToString()));
            }
        }
    }

    [Theory]
    [InlineData("tokenIssuer", "TOKEN_ISSUER")]
    [InlineData("tokenLifetime", "TOKEN_LIFETIME")]
    [InlineData("attestationCallsPerMinute", "ATTESTATION_CALLS_PER_MINUTE")]
    [InlineData("deviceCallsPerMinute", "DEVICE_CALLS_PER_MINUTE")]
    [InlineData("additionalAppSettings", "ADDITIONAL_APP_SETTINGS")]
    [InlineData("challengeSecretName", "CHALLENGE_SECRET_NAME")]
    public void TheSettingsADeployerChangesHaveTheirDocumentedEnvironmentName(string parameter, string variable)
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "deploy.md"));

        Assert.StartsWith($"${{{variable}=", ParametersFile()[parameter]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(variable, guide, StringComparison.Ordinal);
    }

    /// <summary>
    /// main.bicep's own <c>verifyKeyHashes</c> expression, as written there, evaluated offline by <c>bicep build-params</c>
    /// with <c>verifyKeySha256</c> set to <paramref name="text"/>.
    /// </summary>
    private static Task<JsonNode> EvaluateVerifyKeyHashesAsync(string text) => EvaluateAsync("verifyKeyHashes", "verifyKeySha256", text);

    /// <summary>
    /// main.bicep's own declaration of the variable <paramref name="variable"/>, as written there, evaluated offline by
    /// <c>bicep build-params</c> with the parameter <paramref name="parameter"/> set to <paramref name="text"/>.
    /// </summary>
    private static async Task<JsonNode> EvaluateAsync(string variable, string parameter, string text)
    {
        var main = await File.ReadAllTextAsync(CompiledTemplate.MainBicep);
        var expression = Regex.Match(main, $@"(?m)^var {variable} = (.+)$").Groups[1].Value;
        Assert.Contains(parameter, expression, StringComparison.Ordinal);

        var folder = Directory.CreateTempSubdirectory("bicep-eval-");
        try
        {
            var file = Path.Combine(folder.FullName, "evaluate.bicepparam");
            var literal = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
            await File.WriteAllTextAsync(file, $"using none\nvar {parameter} = '{literal}'\nparam result = {expression}\n");

            var run = await BicepCli.RunAsync("build-params", file, "--stdout");

            Assert.True(run.ExitCode == 0, run.StandardError);
            var parameters = JsonNode.Parse(JsonNode.Parse(run.StandardOutput)!["parametersJson"]!.GetValue<string>())!;
            return parameters["parameters"]!["result"]!["value"]!;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
}
