namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/scripts/preprovision.sh, run against a fake <c>az</c>: it stops a redeployment whose Key Vault name is still held
/// by purge protection, or whose azd environment still says the signing secret exists, and lets every other one through.
/// </summary>
public sealed class PreprovisionHookTests : IDisposable
{
    private const string Token = "abcdefghij123";

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["AZURE_ENV_NAME"] = "attest-prod",
        ["AZURE_LOCATION"] = "eastus",
    };

    private readonly FakeAzureCli _az = new();

    [Fact]
    public async Task ASoftDeletedVaultOfThisEnvironmentAndRegionStopsTheProvisionAndNamesTheSuffixToSet()
    {
        _az.Answer("az keyvault list-deleted", $"kv-{Token}\teastus\tattest-prod\t2027-03-01T00:00:00+00:00\n");

        var run = await _az.RunAsync("preprovision.sh", Environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Key Vault kv-{Token} of environment attest-prod is soft-deleted", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("2027-03-01", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("azd env set KEY_VAULT_NAME_SUFFIX", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(run.Calls, call => call is ["az", "keyvault", "list-deleted", ..]);
    }

    [Fact]
    public async Task AVaultUnderAnotherSuffixAnotherEnvironmentOrAnotherRegionLetsTheProvisionGoOn()
    {
        _az.Answer("az keyvault list-deleted", string.Join('\n',
            $"kv-{Token}\teastus\tattest-prod\t2027-03-01T00:00:00+00:00",
            $"kv-{Token}-2\teastus\tattest-prod\t2027-03-01T00:00:00+00:00",
            $"kv-{Token}-3\twesteurope\tattest-prod\t2027-03-01T00:00:00+00:00",
            $"kv-{Token}-3\teastus\tattest-test\t2027-03-01T00:00:00+00:00",
            $"kv-{Token}-3\teastus\tNone\t2027-03-01T00:00:00+00:00") + "\n");

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["KEY_VAULT_NAME_SUFFIX"] = "3" });

        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [Fact]
    public async Task TheSameSuffixAsTheDeletedVaultStillStopsTheProvision()
    {
        _az.Answer("az keyvault list-deleted", $"kv-{Token}-2\teastus\tattest-prod\t2027-03-01T00:00:00+00:00\n");

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["KEY_VAULT_NAME_SUFFIX"] = "2" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"kv-{Token}-2", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningSecretReadyLeftFromADeletedResourceGroupStopsTheProvision()
    {
        _az.Answer("az group exists", "false\n");

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["SIGNING_SECRET_READY"] = "true" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("azd env set SIGNING_SECRET_READY false", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(run.Calls, call => call is ["az", "group", "exists", "--name", "rg-attest-prod"]);
    }

    [Fact]
    public async Task SigningSecretReadyWithItsResourceGroupInPlaceLetsTheProvisionGoOn()
    {
        _az.Answer("az group exists", "true\n");

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["SIGNING_SECRET_READY"] = "true" });

        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [Fact]
    public async Task ASoftDeletedApiManagementOfThisEnvironmentStopsTheProvisionWithThePurgeCommand()
    {
        _az.Answer("az group exists", "false\n");
        _az.Answer("az apim deletedservice show", "2026-12-03T10:00:00+00:00\n");

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["AZURE_API_MANAGEMENT_NAME"] = $"apim-{Token}" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"az apim deletedservice purge --service-name apim-{Token} --location eastus", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(run.Calls, call => call is ["az", "apim", "deletedservice", "show", "--service-name", $"apim-{Token}", "--location", "eastus", ..]);
    }

    [Theory]
    [InlineData("true", 0)]
    [InlineData("false", 1)]
    public async Task NoSoftDeletedApiManagementOrALiveResourceGroupLetsTheProvisionGoOn(string groupExists, int showExitCode)
    {
        _az.Answer("az group exists", groupExists + "\n");
        _az.Answer("az apim deletedservice show", showExitCode == 0 ? "2026-12-03T10:00:00+00:00\n" : "ERROR: (ResourceNotFound)\n", showExitCode);

        var run = await _az.RunAsync("preprovision.sh", new Dictionary<string, string>(Environment) { ["AZURE_API_MANAGEMENT_NAME"] = $"apim-{Token}" });

        Assert.True(run.ExitCode == 0, run.StandardError);
    }

    [Fact]
    public async Task AnAzThatCannotAnswerOnlyWarns()
    {
        _az.Answer("az keyvault list-deleted", "ERROR: Please run 'az login' to setup account.\n", exitCode: 1);

        var run = await _az.RunAsync("preprovision.sh", Environment);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("WARNING: cannot list soft-deleted Key Vaults", run.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _az.Dispose();
}
