using Attestation.Cli;

namespace Attestation.Cli.Tests;

public sealed class CliApplicationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("check apple-app-attest")]
    [InlineData("verify")]
    [InlineData("verify no-such-kind")]
    public async Task ACommandLineWithoutAKnownVerifyKindIsAUsageError(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var status = await CliApplication.RunAsync(args, stdout, stderr, TimeProvider.System);

        Assert.Equal(CliApplication.UsageError, status);
        Assert.Equal(string.Empty, stdout.ToString());
        Assert.Contains("Usage", stderr.ToString(), StringComparison.Ordinal);
    }
}
