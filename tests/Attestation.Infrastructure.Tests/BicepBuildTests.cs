namespace Attestation.Infrastructure.Tests;

/// <summary>infra/main.bicep and its modules compile and lint with no error and no warning.</summary>
public sealed class BicepBuildTests
{
    [Fact]
    public async Task BicepBuildOfMainSucceedsWithoutAnyDiagnostic()
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Equal(0, template.Build.ExitCode);
        Assert.Equal("", template.Build.StandardError.Trim());
        Assert.Equal("bicep", template.Root["metadata"]?["_generator"]?["name"]?.GetValue<string>());
    }

    [Fact]
    public async Task BicepLintOfMainReportsNothing()
    {
        var lint = await BicepCli.RunAsync("lint", CompiledTemplate.MainBicep);

        Assert.Equal("", (lint.StandardOutput + lint.StandardError).Trim());
        Assert.Equal(0, lint.ExitCode);
    }

    [Fact]
    public async Task BicepLintWouldReportAWarningSoTheCleanResultMeansSomething()
    {
        var folder = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            var file = Path.Combine(folder.FullName, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n");

            var lint = await BicepCli.RunAsync("lint", file);

            Assert.Contains("no-unused-params", lint.StandardOutput + lint.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
