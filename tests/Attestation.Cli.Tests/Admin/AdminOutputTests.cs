using System.Text.Json.Nodes;
using Attestation.Cli.Admin;

namespace Attestation.Cli.Tests.Admin;

/// <summary>What the admin commands print of text that came from the backend: one line, no terminal control.</summary>
public sealed class AdminOutputTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("red\u001b[31m", "red\\u001b[31m")]
    [InlineData("csi\u009b2J", "csi\\u009b2J")]
    [InlineData("two\nlines\r", "two\\u000alines\\u000d")]
    [InlineData("sep\u2028arated", "sep\\u2028arated")]
    [InlineData("bidi\u202eevil", "bidi\\u202eevil")]
    [InlineData("", "-")]
    [InlineData(null, "-")]
    public void ATextIsShownWithControlAndLineBreakingCharactersEscaped(string? text, string shown) =>
        Assert.Equal(shown, AdminOutput.Safe(text));

    [Fact]
    public void AVeryLongTextIsCut()
    {
        var shown = AdminOutput.Safe(new string('a', 5000));

        Assert.True(shown.Length < 1200);
        Assert.EndsWith("…", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonOutputIsOneLineWithControlCharactersEscapedAndTheTextOtherwiseUnchanged()
    {
        var json = AdminOutput.Json(JsonNode.Parse("{\"a\": \"x\\u001b[31m\\u009b\\u2028é+<\", \"b\": [1, true]}")!);

        Assert.DoesNotContain('\u001b', json);
        Assert.DoesNotContain('\u009b', json);
        Assert.DoesNotContain('\u2028', json);
        Assert.Contains("é+<", json, StringComparison.Ordinal);
        Assert.Equal("x\u001b[31m\u009b\u2028é+<", JsonNode.Parse(json)!["a"]!.GetValue<string>());
    }

    [Fact]
    public void ATableAlignsItsColumnsAndShowsEachCellSafely()
    {
        var writer = new StringWriter();

        AdminOutput.Table(writer, ["ID", "STATUS"], [["a", "active"], ["longer-id\u001b", "revoked"]]);

        Assert.Equal(
            $"{"ID",-15}  STATUS\n{"a",-15}  active\nlonger-id\\u001b  revoked\n",
            writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
