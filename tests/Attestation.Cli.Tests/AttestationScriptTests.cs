using System.Globalization;
using System.Text.Json;
using Attestation.TestSupport;

namespace Attestation.Cli.Tests;

/// <summary>
/// Issue 15, finding 7: scripts/attestation itself, run by bash from another working folder. The script is run from a copy
/// of the repository's layout whose Release build of the tool is this test's build of Attestation.Cli (a link), so that it
/// runs that tool rather than building one: the script's own text, read from the repository at each run, is what is tested.
/// </summary>
public sealed class AttestationScriptTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("attestation-script-");
    private readonly DirectoryInfo _elsewhere = Directory.CreateTempSubdirectory("attestation-cwd-");

    public AttestationScriptTests()
    {
        var scripts = _root.CreateSubdirectory("scripts");
        File.Copy(Path.Combine(RepositoryPaths.Root, "scripts", "attestation"), Path.Combine(scripts.FullName, "attestation"));

        // What the script checks for staleness, all older than the tool, so it runs the tool as built.
        _root.CreateSubdirectory("functions/Attestation.Core");
        var bin = _root.CreateSubdirectory("tools/Attestation.Cli/bin/Release");
        Directory.CreateSymbolicLink(Path.Combine(bin.FullName, "net10.0"), AppContext.BaseDirectory);
        foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            var path = Path.Combine(_root.FullName, props);
            File.WriteAllText(path, "<Project />");
            File.SetLastWriteTimeUtc(path, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }
    }

    public void Dispose()
    {
        _root.Delete(recursive: true);
        _elsewhere.Delete(recursive: true);
    }

    [Fact]
    public async Task AValidAttestationExitsZeroWithTheToolsOneJsonObjectOnStandardOutput()
    {
        var vector = AppleVectors.Load(AppleVectors.AttestationFiles()[0]);

        await using var run = await RunAsync([.. AttestationArgs(vector), "--allow-development", "--at", Rfc3339(vector.Attestation!.VerifyAt)]);

        Assert.True(run.ExitCode == CliApplication.Valid, run.Output);
        using var report = JsonDocument.Parse(Assert.Single(run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.True(report.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ARefusedAttestationExitsOne()
    {
        var vector = AppleVectors.Load(AppleVectors.AttestationFiles()[0]);

        await using var run = await RunAsync([.. AttestationArgs(vector), "--allow-development", "--at", Rfc3339(vector.Attestation!.ExpiredAt.AddMinutes(1))]);

        Assert.Equal(CliApplication.Refused, run.ExitCode);
        using var report = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal("attestation_invalid", report.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnArgumentWithSpacesReachesTheToolAsOneArgument()
    {
        var vector = AppleVectors.Load(AppleVectors.AttestationFiles()[0]);
        string[] args = [.. AttestationArgs(vector), "--at", Rfc3339(vector.Attestation!.VerifyAt)];
        args[Array.IndexOf(args, "--app-id") + 1] = "TEAM ID.com.example app";

        await using var run = await RunAsync(args);

        // Split into words, the tool would see unknown arguments (usage, 2); as one value, an App ID that does not match (refused, 1).
        Assert.Equal(CliApplication.Refused, run.ExitCode);
    }

    [Fact]
    public async Task NoArgumentsIsAUsageErrorOnStandardErrorWithExitTwo()
    {
        await using var run = await RunAsync([]);

        Assert.Equal(CliApplication.UsageError, run.ExitCode);
        Assert.Equal(string.Empty, run.StandardOutput);
        Assert.Contains("Usage", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AToolOlderThanItsSourcesIsBuiltFirstAndAFailedBuildExitsTwo()
    {
        // A source newer than the tool: the script builds before running, and here there is no project to build.
        File.WriteAllText(Path.Combine(_root.FullName, "functions", "Attestation.Core", "Newer.cs"), "// newer than the tool");

        await using var run = await RunAsync(["verify"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.StandardOutput);
        Assert.Contains("scripts/attestation: build failed", run.Output, StringComparison.Ordinal);
    }

    private Task<ChildProcess> RunAsync(string[] args) =>
        ChildProcess.RunAsync("bash", [Path.Combine(_root.FullName, "scripts", "attestation"), .. args], RunTimeout, workingDirectory: _elsewhere.FullName);

    private static string[] AttestationArgs(AppleVector vector) =>
    [
        "verify", "apple-app-attest",
        "--attestation-object", Convert.ToBase64String(vector.Attestation!.AttestationObject),
        "--key-id", Convert.ToBase64String(vector.Attestation.KeyId),
        "--app-id", vector.AppId,
        "--client-data-hash", Convert.ToHexString(vector.Attestation.ClientDataHash),
    ];

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
