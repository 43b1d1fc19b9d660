using Attestation.Cli;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests.Admin;

/// <summary>
/// Without <c>--token</c>, <c>admin</c> asks the signed-in Azure CLI user for a token (Azure.Identity's
/// AzureCliCredential). Run as the real tool in a child process whose PATH holds no <c>az</c>, so no test reaches the
/// Azure CLI or Entra ID, whether or not this machine has them.
/// </summary>
public sealed class AzureCliTokenTests : IDisposable
{
    private readonly DirectoryInfo _emptyPath = Directory.CreateTempSubdirectory("no-az-");

    public void Dispose() => _emptyPath.Delete(recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithoutTheAzureCliAnAdminCommandExitsTwoSayingToSignInOrGiveAToken(bool scopeFromEnvironment)
    {
        string[] scope = scopeFromEnvironment ? [] : ["--scope", "api://c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f/.default"];
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = _emptyPath.FullName,
            ["ATTESTATION_ADMIN_TOKEN"] = null,
            ["ATTESTATION_ADMIN_SCOPE"] = scopeFromEnvironment ? "api://c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f/.default" : null,
        };

        await using var run = await ChildProcess.RunAsync(
            Dotnet(),
            [Path.Combine(AppContext.BaseDirectory, "Attestation.Cli.dll"), "admin", "apps", "list", "--url", "http://127.0.0.1:1", .. scope],
            TimeSpan.FromSeconds(90),
            environment);

        Assert.True(run.ExitCode == CliApplication.UsageError, run.Output);
        Assert.Equal(string.Empty, run.StandardOutput);
        Assert.Contains("attestation admin apps list: no token from the Azure CLI (", run.Output, StringComparison.Ordinal);
        Assert.Contains("sign in with 'az login'", run.Output, StringComparison.Ordinal);
        Assert.Contains("or give --token", run.Output, StringComparison.Ordinal);
    }

    // The child's PATH lacks dotnet too, so the host is found here, on this process's PATH.
    private static string Dotnet()
    {
        var host = ChildProcess.DotnetHost;
        if (Path.IsPathRooted(host))
        {
            return host;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, host))
            .First(File.Exists);
    }
}
