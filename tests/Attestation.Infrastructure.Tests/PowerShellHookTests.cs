namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Each PowerShell script in infra/scripts does what its POSIX twin does: both run against the same fake <c>az</c> and
/// <c>azd</c> with the same answers, and make the same calls in the same order, end with the same exit code and say the
/// same. The PowerShell is the one of the repository's tool manifest (.config/dotnet-tools.json, `dotnet tool restore`).
/// </summary>
public sealed class PowerShellHookTests : IDisposable
{
    private readonly FakeAzureCli _az = new();

    [Fact]
    public async Task PostprovisionOfAFirstDeploymentIsTheSameInPowerShell()
    {
        PostprovisionHookTests.AnswerAsAFirstDeployment(_az);

        var (posix, powerShell) = await RunBothAsync("postprovision", PostprovisionHookTests.Environment);

        Assert.True(posix.ExitCode == 0, posix.StandardError);
        Assert.Contains(powerShell.Calls, c => c is ["azd", "provision", "--no-prompt"]);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task PostprovisionStopsForAnotherAccountInPowerShellToo()
    {
        PostprovisionHookTests.AnswerAsAFirstDeployment(_az);
        _az.Answer("az account show", "tenant-1\nsubscription-1\n00000000-0000-0000-0000-0000000000c1\nservicePrincipal\n");
        _az.Answer("az ad sp show", "object-2\n");

        var (posix, powerShell) = await RunBothAsync("postprovision", PostprovisionHookTests.Environment);

        Assert.Equal(1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Theory]
    [InlineData("role never applies")]
    [InlineData("second provision keeps failing")]
    [InlineData("secrets exist")]
    public async Task PostprovisionEndsTheSameWayInPowerShell(string scenario)
    {
        PostprovisionHookTests.AnswerAsAFirstDeployment(_az);
        var environment = new Dictionary<string, string>(PostprovisionHookTests.Environment);
        switch (scenario)
        {
            case "role never applies":
                _az.Answer("az keyvault secret show", PostprovisionHookTests.Forbidden, exitCode: 1);
                break;
            case "second provision keeps failing":
                _az.Answer("azd provision", "ERROR: deployment failed\n", exitCode: 1);
                break;
            default:
                _az.Answer("az keyvault secret show.1", "https://kv-x.vault.azure.net/secrets/token-signing-key/1111\n");
                _az.Answer("az keyvault secret show", "https://kv-x.vault.azure.net/secrets/challenge-key/2222\n");
                environment["SIGNING_SECRET_READY"] = "true";
                break;
        }

        var (posix, powerShell) = await RunBothAsync("postprovision", environment);

        Assert.Equal(scenario == "secrets exist" ? 0 : 1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task PreprovisionStopsForAVaultNameStillHeldInPowerShellToo()
    {
        _az.Answer("az keyvault list-deleted", string.Join('\n',
            "kv-abcdefghij123\twesteurope\tattest-prod\t2027-03-01T00:00:00+00:00",
            "kv-abcdefghij123-2\teastus\tattest-prod\t2027-03-01T00:00:00+00:00") + "\n");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AZURE_ENV_NAME"] = "attest-prod",
            ["AZURE_LOCATION"] = "eastus",
            ["KEY_VAULT_NAME_SUFFIX"] = "2",
            ["SIGNING_SECRET_READY"] = "true",
        };
        _az.Answer("az group exists", "true\n");

        var (posix, powerShell) = await RunBothAsync("preprovision", environment);

        Assert.Equal(1, posix.ExitCode);
        Assert.Contains("kv-abcdefghij123-2 of environment attest-prod is soft-deleted", posix.StandardError, StringComparison.Ordinal);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task PreprovisionStopsForASoftDeletedApiManagementInPowerShellToo()
    {
        _az.Answer("az group exists", "false\n");
        _az.Answer("az apim deletedservice show", "2026-12-03T10:00:00+00:00\n");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AZURE_ENV_NAME"] = "attest-prod",
            ["AZURE_LOCATION"] = "eastus",
            ["AZURE_API_MANAGEMENT_NAME"] = "apim-abcdefghij123",
        };

        var (posix, powerShell) = await RunBothAsync("preprovision", environment);

        Assert.Equal(1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task PreprovisionOnlyWarnsWhenDeletedVaultsCannotBeListedInPowerShellToo()
    {
        _az.Answer("az keyvault list-deleted", "ERROR: Forbidden\n", exitCode: 1);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AZURE_ENV_NAME"] = "attest-prod",
            ["AZURE_LOCATION"] = "eastus",
        };

        var (posix, powerShell) = await RunBothAsync("preprovision", environment);

        Assert.Equal(0, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task ARotationIsTheSameInPowerShell()
    {
        RotateSigningKeyScriptTests.AnswerAsAzureWould(_az);

        var (posix, powerShell) = await RunBothAsync("rotate-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.True(posix.ExitCode == 0, posix.StandardError);
        Assert.Contains(powerShell.Calls, c => c is ["azd", "env", "set", "CURRENT_SIGNING_KEY_VERSION_URI", RotateSigningKeyScriptTests.NewId]);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task ARotationWhoseNewVersionTheEdgeCannotReadStopsTheSameWayInPowerShell()
    {
        RotateSigningKeyScriptTests.AnswerAsAzureWould(_az);
        _az.Answer($"az rest get {RotateSigningKeyScriptTests.Current}", $"{RotateSigningKeyScriptTests.NewId} Succeeded Forbidden\n");

        var (posix, powerShell) = await RunBothAsync("rotate-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task ARotationWhosePreviousKeyNeverUpdatesStopsTheSameWayInPowerShell()
    {
        RotateSigningKeyScriptTests.AnswerAsAzureWould(_az);
        _az.Answer($"az rest get {RotateSigningKeyScriptTests.Previous}.2", $"{RotateSigningKeyScriptTests.OlderId} Succeeded Success\n");
        _az.Answer($"az rest get {RotateSigningKeyScriptTests.Previous}", $"{RotateSigningKeyScriptTests.OlderId} Succeeded Success\n");

        var (posix, powerShell) = await RunBothAsync("rotate-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task ARollBackIsTheSameInPowerShell()
    {
        RollbackSigningKeyScriptTests.AnswerAsAzureWould(_az);

        var (posix, powerShell) = await RunBothAsync("rollback-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.True(posix.ExitCode == 0, posix.StandardError);
        Assert.Contains(powerShell.Calls, c => c is ["az", "keyvault", "secret", "set-attributes", "--id", RotateSigningKeyScriptTests.NewId, ..]);
        AssertAlike(posix, powerShell);
    }

    [Theory]
    [InlineData("")]
    [InlineData(RotateSigningKeyScriptTests.NewId + "\n")]
    public async Task ARollBackWithNoVersionToGoBackToStopsTheSameWayInPowerShell(string versions)
    {
        RollbackSigningKeyScriptTests.AnswerAsAzureWould(_az);
        _az.Answer("az keyvault secret list-versions", versions);

        var (posix, powerShell) = await RunBothAsync("rollback-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.Equal(1, posix.ExitCode);
        AssertAlike(posix, powerShell);
    }

    [Fact]
    public async Task ATwoVersionRollBackIsTheSameInPowerShell()
    {
        RollbackSigningKeyScriptTests.AnswerAsAzureWould(_az);
        _az.Answer("az keyvault secret list-versions", $"{RotateSigningKeyScriptTests.CurrentId}\n{RotateSigningKeyScriptTests.NewId}\n");
        _az.Answer($"az rest get {RotateSigningKeyScriptTests.Previous}", $"{RotateSigningKeyScriptTests.CurrentId} Succeeded Success\n");

        var (posix, powerShell) = await RunBothAsync("rollback-signing-key", RotateSigningKeyScriptTests.FastWait);

        Assert.True(posix.ExitCode == 0, posix.StandardError);
        AssertAlike(posix, powerShell);
    }

    private async Task<(ScriptRun Posix, ScriptRun PowerShell)> RunBothAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var posix = await _az.RunAsync(script + ".sh", environment);
        var powerShell = await _az.RunAsync(script + ".ps1", environment);
        return (posix, powerShell);
    }

    private static void AssertAlike(ScriptRun posix, ScriptRun powerShell)
    {
        Assert.NotEmpty(posix.Calls);
        Assert.Equal(Normalized(posix.Calls), Normalized(powerShell.Calls));
        Assert.True(posix.ExitCode == powerShell.ExitCode, $"sh: {posix.ExitCode} {posix.StandardError}\npwsh: {powerShell.ExitCode} {powerShell.StandardError}");
        Assert.Equal(Lines(posix.StandardError), Lines(powerShell.StandardError));
        Assert.Equal(Lines(posix.StandardOutput), Lines(powerShell.StandardOutput));
    }

    // The temporary file that carries a new secret has a different path in each run.
    private static List<string> Normalized(IReadOnlyList<IReadOnlyList<string>> calls) =>
        calls.Select(c => string.Join(' ', c.Select((a, i) => i > 0 && c[i - 1] == "--file" ? "<file>" : a))).ToList();

    private static List<string> Lines(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();

    public void Dispose() => _az.Dispose();
}
