using Attestation.Cli;

namespace Attestation.Cli.Tests;

public sealed class CliArgumentsTests
{
    private static readonly HashSet<string> Values = ["--key-id", "--at", "--previous-counter", "--challenge", "--client-data-hash"];
    private static readonly HashSet<string> Repeatable = ["--signing-digest"];
    private static readonly HashSet<string> Flags = ["--allow-development"];

    private static CliArguments Parse(params string[] args) => CliArguments.Parse(args, Values, Repeatable, Flags);

    [Fact]
    public void ValuesFlagsAndRepeatedOptionsAreRead()
    {
        var arguments = Parse("--key-id", "abc", "--allow-development", "--signing-digest", "aa", "--signing-digest", "bb");

        Assert.Equal("abc", arguments.Required("--key-id"));
        Assert.True(arguments.Has("--allow-development"));
        Assert.Equal(["aa", "bb"], arguments.All("--signing-digest"));
        Assert.Null(arguments.Optional("--at"));
    }

    [Theory]
    [InlineData("--unknown", "x")]
    [InlineData("--key-id")]
    [InlineData("--key-id", "a", "--key-id", "b")]
    public void MalformedCommandLinesAreUsageErrors(params string[] args) =>
        Assert.Throws<CliUsageException>(() => Parse(args));

    [Fact]
    public void OneOfRequiresExactlyOneAlternative()
    {
        Assert.Equal(("--challenge", "c"), Parse("--challenge", "c").OneOf("--challenge", "--client-data-hash"));
        Assert.Throws<CliUsageException>(() => Parse().OneOf("--challenge", "--client-data-hash"));
        Assert.Throws<CliUsageException>(() => Parse("--challenge", "c", "--client-data-hash", "00").OneOf("--challenge", "--client-data-hash"));
    }

    [Fact]
    public void AtIsAnRfc3339InstantAndDefaultsToTheClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(clock.GetUtcNow(), Parse().At(clock));
        Assert.Equal(new DateTimeOffset(2024, 7, 21, 3, 1, 3, TimeSpan.Zero), Parse("--at", "2024-07-21T03:01:03Z").At(clock));
        Assert.Throws<CliUsageException>(() => Parse("--at", "yesterday").At(clock));
    }

    [Fact]
    public void NumbersHexAndBase64AreCheckedBeforeUse()
    {
        Assert.Equal(7, Parse("--previous-counter", "7").RequiredInteger("--previous-counter"));
        Assert.Throws<CliUsageException>(() => Parse("--previous-counter", "-1").RequiredInteger("--previous-counter"));
        Assert.Equal([0xab, 0x01], CliArguments.Hex("--client-data-hash", "ab01"));
        Assert.Throws<CliUsageException>(() => CliArguments.Hex("--client-data-hash", "xyz"));
        Assert.Throws<CliUsageException>(() => CliArguments.Base64("--key-id", "!!"));
        Assert.Throws<CliUsageException>(() => CliArguments.ReadFile("--chain", "/no/such/file.pem"));
    }
}
