using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// azure.yaml, main.parameters.json and the hook scripts agree with the template: the names they exchange through the azd
/// environment exist on both sides, so `azd up` and a rotation wire together.
/// </summary>
public sealed partial class AzdWiringTests
{
    private static string Root => RepositoryPaths.Root;

    [Fact]
    public void AzureYamlDeploysTheFunctionsProjectAsADotnetFunctionApp()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));

        Assert.Matches(@"(?m)^\s+project: \./functions/Attestation\.Functions\s*$", yaml);
        Assert.Matches(@"(?m)^\s+language: dotnet\s*$", yaml);
        Assert.Matches(@"(?m)^\s+host: function\s*$", yaml);
        Assert.True(File.Exists(Path.Combine(Root, "functions", "Attestation.Functions", "Attestation.Functions.csproj")));
    }

    [Fact]
    public async Task TheServiceNameInAzureYamlIsTheFunctionAppsAzdTag()
    {
        var template = await CompiledTemplate.GetAsync();
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        var service = Regex.Match(yaml, @"(?m)^services:\s*\n\s+([A-Za-z0-9-]+):").Groups[1].Value;

        var tags = template.OnlyOne("Microsoft.Web/sites").Node["tags"]!.GetValue<string>();

        Assert.Contains($"createObject('azd-service-name', '{service}')", tags, StringComparison.Ordinal);
    }

    [Fact]
    public void EachHookHasAPosixScriptAndAPowerShellTwin()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        var runs = Regex.Matches(yaml, @"(?m)^\s+run: \./(\S+)\s*$").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(
            ["infra/scripts/postprovision.ps1", "infra/scripts/postprovision.sh", "infra/scripts/preprovision.ps1", "infra/scripts/preprovision.sh"],
            runs.Order(StringComparer.Ordinal));
        foreach (var hook in new[] { "preprovision", "postprovision" })
        {
            Assert.Matches($@"(?m)^  {hook}:\s*\n    posix:\s*\n      shell: sh\s*\n      run: \./infra/scripts/{hook}\.sh\s*\n      interactive: false\s*\n      continueOnError: false\s*\n    windows:\s*\n      shell: pwsh\s*\n      run: \./infra/scripts/{hook}\.ps1\s*\n      interactive: false\s*\n      continueOnError: false", yaml);
        }

        Assert.All(runs, run => Assert.True(File.Exists(Path.Combine(Root, run))));
        Assert.All(runs.Where(r => r.EndsWith(".sh", StringComparison.Ordinal)), run =>
            Assert.NotEqual(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(Root, run)) & UnixFileMode.UserExecute));
    }

    [Fact]
    public void EveryScriptOfInfraHasItsTwin()
    {
        var scripts = Directory.GetFiles(Path.Combine(Root, "infra", "scripts")).Select(Path.GetFileName).ToList();

        var posix = scripts.Where(s => s!.EndsWith(".sh", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension);
        var powerShell = scripts.Where(s => s!.EndsWith(".ps1", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension);

        Assert.Equal(posix.Order(StringComparer.Ordinal), powerShell.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryParameterInMainParametersJsonIsAParameterOfMainBicep()
    {
        var template = await CompiledTemplate.GetAsync();
        var declared = template.Root["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        var given = ParametersFile().Select(p => p.Key).ToList();

        Assert.NotEmpty(given);
        Assert.All(given, name => Assert.Contains(name, declared));
        Assert.All(template.Root["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null), p => Assert.Contains(p.Key, given));
    }

    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("postprovision.ps1")]
    [InlineData("signing-key-versions.sh")]
    [InlineData("signing-key-versions.ps1")]
    public async Task TheEnvironmentValuesTheScriptsReadAreOutputsOfMain(string script)
    {
        var template = await CompiledTemplate.GetAsync();
        var outputs = template.Root["outputs"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var text = File.ReadAllText(Path.Combine(Root, "infra", "scripts", script));

        // SIGNING_SECRET_READY is the hook's own flag; HOOK_* and ROTATE_WAIT_* are wait bounds, overridable by hand;
        // AZURE_PRINCIPAL_ID is azd's own value (the signed-in principal), not an output.
        string[] notOutputs = ["SIGNING_SECRET_READY", "AZURE_PRINCIPAL_ID"];
        var read = EnvironmentRead().Matches(text).Select(m => m.Groups[1].Value)
            .Where(n => !notOutputs.Contains(n) && !n.StartsWith("ROTATE_WAIT_", StringComparison.Ordinal) && !n.StartsWith("HOOK_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(read);
        Assert.Subset(outputs, read);
    }

    [Theory]
    [InlineData("SIGNING_SECRET_READY", "signingSecretReady")]
    [InlineData("CURRENT_SIGNING_KEY_VERSION_URI", "currentSigningKeyVersionUri")]
    [InlineData("PREVIOUS_SIGNING_KEY_VERSION_URI", "previousSigningKeyVersionUri")]
    public void WhatTheScriptsSetInTheEnvironmentReachesItsParameter(string variable, string parameter)
    {
        foreach (var pattern in new[] { "*.sh", "*.ps1" })
        {
            var scripts = string.Concat(Directory.GetFiles(Path.Combine(Root, "infra", "scripts"), pattern).Select(File.ReadAllText));
            Assert.Contains($"azd env set {variable} ", scripts, StringComparison.Ordinal);
        }

        Assert.StartsWith($"${{{variable}=", ParametersFile()[parameter]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entraApiClientId", "${ENTRA_API_CLIENT_ID=}")]
    [InlineData("entraTenantId", "${ENTRA_TENANT_ID=}")]
    [InlineData("verifyKeySha256", "${VERIFY_KEY_SHA256=}")]
    public void TheCallerSettingsComeFromTheAzdEnvironmentAndAreEmptyWhenUnset(string parameter, string value)
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var variable = value[2..value.IndexOf('=', StringComparison.Ordinal)];

        Assert.Equal(value, ParametersFile()[parameter]!["value"]!.GetValue<string>());
        Assert.Contains($"azd env set {variable} ", readme, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rotate-signing-key.sh", "signing-key-versions.sh", "pin ")]
    [InlineData("rollback-signing-key.sh", "signing-key-versions.sh", "pin ")]
    [InlineData("rotate-signing-key.ps1", "signing-key-versions.ps1", "Set-Pin ")]
    [InlineData("rollback-signing-key.ps1", "signing-key-versions.ps1", "Set-Pin ")]
    public async Task TheScriptsPinBothNamedValuesOfTheTemplate(string script, string shared, string pin)
    {
        var template = await CompiledTemplate.GetAsync();
        var text = File.ReadAllText(Path.Combine(Root, "infra", "scripts", script));
        var namedValues = template.OfType("Microsoft.ApiManagement/service/namedValues")
            .Select(v => v.Properties!["displayName"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

        var pinned = Regex.Matches(text, "^\\s*(?:if \\S+ )?\\(?" + Regex.Escape(pin) + "([a-z]+) ", RegexOptions.Multiline)
            .Select(m => "attestation-signing-key-" + m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(["attestation-signing-key-current", "attestation-signing-key-previous"], pinned.Order(StringComparer.Ordinal));
        Assert.Subset(namedValues, pinned);
        Assert.Contains("namedValues/attestation-signing-key-$", File.ReadAllText(Path.Combine(Root, "infra", "scripts", shared)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("rotate-signing-key.sh")]
    public void TheScriptsWriteTheSecretFromAPrivateFileAsBase64Of32RandomBytes(string script)
    {
        // rotate-signing-key.sh makes the value with new_key of the shared signing-key-versions.sh.
        var text = File.ReadAllText(Path.Combine(Root, "infra", "scripts", script))
            + (script.StartsWith("rotate", StringComparison.Ordinal) ? File.ReadAllText(Path.Combine(Root, "infra", "scripts", "signing-key-versions.sh")) : "");

        Assert.Contains("openssl rand -base64 32", text, StringComparison.Ordinal);
        Assert.Contains("umask 077", text, StringComparison.Ordinal);
        Assert.Contains("--file \"$file\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--value", text, StringComparison.Ordinal);
    }

    // GetTempFileName creates the file with mode 600 on Unix (mkstemp) and in the user's own temporary folder on Windows.
    [Theory]
    [InlineData("postprovision.ps1")]
    [InlineData("rotate-signing-key.ps1")]
    public void ThePowerShellScriptsWriteTheSecretFromAPrivateFileAsBase64Of32RandomBytes(string script)
    {
        // rotate-signing-key.ps1 makes the value with New-KeyValue of the shared signing-key-versions.ps1.
        var text = File.ReadAllText(Path.Combine(Root, "infra", "scripts", script))
            + (script.StartsWith("rotate", StringComparison.Ordinal) ? File.ReadAllText(Path.Combine(Root, "infra", "scripts", "signing-key-versions.ps1")) : "");

        Assert.Contains("[Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))", text, StringComparison.Ordinal);
        Assert.Contains("[System.IO.Path]::GetTempFileName()", text, StringComparison.Ordinal);
        Assert.Contains("--file $file", text, StringComparison.Ordinal);
        Assert.Contains("Remove-Item -Force $file", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--value", text, StringComparison.Ordinal);
    }

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();

    // ${NAME}, ${NAME:-x}, ${NAME:?x} in a POSIX script, $env:NAME in PowerShell, or `value NAME` (azd env get-value).
    [GeneratedRegex(@"(?:\$\{|value |\$env:)([A-Z][A-Z0-9_]+)")]
    private static partial Regex EnvironmentRead();
}
