using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class LoadTestOptionsTests
{
    private static LoadTestOptions Parse(params string[] args) => LoadTestOptions.Parse(args, _ => throw new IOException("no file in this test"));

    [Fact]
    public void DefaultsLoadTheLocalRunWithTheDemoApp()
    {
        var options = Parse();

        Assert.Equal(new Uri("http://127.0.0.1:7071"), options.Url);
        Assert.Equal(16, options.Devices);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Duration);
        Assert.Equal(3, options.VerifiesPerToken);
        Assert.Equal(0.2, options.ConsumeShare);
        Assert.Equal(0, options.Rate);
        Assert.Equal(ReportFormat.Text, options.Report);
        Assert.Equal("com.contoso.demo", options.AppId);
        Assert.Equal(["local-debug-token"], options.DebugTokens);
        Assert.Null(options.StorageEventsFile);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RecoveryLimit);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var options = Parse(
            "--url", "http://localhost:8080", "--devices", "64", "--duration", "2m", "--verifies-per-token", "0", "--consume-share", "1",
            "--rate", "250.5", "--report", "json", "--app", "com.contoso.decoy", "--debug-token", "a", "--debug-token", "b",
            "--verify-key", "k", "--storage-events", "/tmp/events", "--recovery-limit", "5s", "--timeline", "/tmp/timeline.csv");

        Assert.Equal(new Uri("http://localhost:8080"), options.Url);
        Assert.Equal(64, options.Devices);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal(0, options.VerifiesPerToken);
        Assert.Equal(1, options.ConsumeShare);
        Assert.Equal(250.5, options.Rate);
        Assert.Equal(ReportFormat.Json, options.Report);
        Assert.Equal("com.contoso.decoy", options.AppId);
        Assert.Equal(["a", "b"], options.DebugTokens);
        Assert.Equal("k", options.VerifyKey);
        Assert.Equal("/tmp/events", options.StorageEventsFile);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RecoveryLimit);
        Assert.Equal("/tmp/timeline.csv", options.TimelineFile);
    }

    [Fact]
    public void DebugTokensFileAddsOneTokenPerNonEmptyLine()
    {
        var options = LoadTestOptions.Parse(["--debug-tokens-file", "tokens", "--devices", "3"], path => path == "tokens" ? ["one", "", "  two  ", "one"] : []);

        Assert.Equal(["one", "two"], options.DebugTokens);
        Assert.True(options.DevicesShareIds);
    }

    [Fact]
    public void AnUnreadableDebugTokensFileIsAUsageError() =>
        Assert.Contains("--debug-tokens-file", Assert.Throws<LoadTestUsageException>(() => Parse("--debug-tokens-file", "missing")).Message, StringComparison.Ordinal);

    [Fact]
    public void DevicesShareIdsOnlyWhenTheyOutnumberTheDebugTokens()
    {
        Assert.False(Parse("--devices", "2", "--debug-token", "a", "--debug-token", "b").DevicesShareIds);
        Assert.True(Parse("--devices", "3", "--debug-token", "a", "--debug-token", "b").DevicesShareIds);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071")]
    [InlineData("http://localhost:7071")]
    [InlineData("http://[::1]:7071")]
    [InlineData("https://127.0.0.2:443")]
    public void LoopbackAddressesAreAccepted(string url) => Assert.True(Parse("--url", url).Url.IsAbsoluteUri);

    [Theory]
    [InlineData("http://10.0.0.5:7071")]
    [InlineData("https://attestation.example.com")]
    public void RemoteAddressesNeedAllowRemote(string url)
    {
        var refusal = Assert.Throws<LoadTestUsageException>(() => Parse("--url", url));

        Assert.Contains("--allow-remote", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri(url), Parse("--url", url, "--allow-remote").Url);
    }

    [Theory]
    [InlineData("--url", "ftp://127.0.0.1")]
    [InlineData("--url", "http://127.0.0.1:7071/api")]
    [InlineData("--url", "127.0.0.1:7071")]
    [InlineData("--devices", "0")]
    [InlineData("--devices", "1001")]
    [InlineData("--devices", "-1")]
    [InlineData("--devices", "ten")]
    [InlineData("--duration", "0s")]
    [InlineData("--duration", "25h")]
    [InlineData("--duration", "soon")]
    [InlineData("--duration", "-5s")]
    [InlineData("--verifies-per-token", "101")]
    [InlineData("--consume-share", "1.5")]
    [InlineData("--consume-share", "-0.1")]
    [InlineData("--rate", "-1")]
    [InlineData("--report", "xml")]
    [InlineData("--recovery-limit", "never")]
    [InlineData("--app", "")]
    public void OutOfRangeOrMalformedValuesAreUsageErrors(string option, string value) =>
        Assert.Contains(option, Assert.Throws<LoadTestUsageException>(() => Parse(option, value)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("--unknown", "x")]
    [InlineData("--devices")]
    [InlineData("--devices", "1", "--devices", "2")]
    public void MalformedCommandLinesAreUsageErrors(params string[] args) =>
        Assert.Throws<LoadTestUsageException>(() => Parse(args));

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("45", 45_000)]
    public void DurationsReadSecondsMinutesHoursAndMilliseconds(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), LoadTestOptions.ParseDuration(text, "--duration"));
}
