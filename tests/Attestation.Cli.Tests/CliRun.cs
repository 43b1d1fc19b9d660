using System.Text.Json;

namespace Attestation.Cli.Tests;

/// <summary>Runs the CLI in process, as the commands' tests that read its one-line JSON report do.</summary>
internal static class CliRun
{
    /// <summary>
    /// The exit status, the report (the single line on stdout) and stderr; with <paramref name="expectReport"/> false,
    /// asserts that stdout stayed empty instead.
    /// </summary>
    public static async Task<(int Status, JsonElement Report, string Stderr)> RunAsync(string[] args, bool expectReport = true)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var status = await CliApplication.RunAsync(args, stdout, stderr, TimeProvider.System);
        if (!expectReport)
        {
            Assert.Equal(string.Empty, stdout.ToString());
            return (status, default, stderr.ToString());
        }

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var document = JsonDocument.Parse(lines[0]);
        return (status, document.RootElement.Clone(), stderr.ToString());
    }
}
