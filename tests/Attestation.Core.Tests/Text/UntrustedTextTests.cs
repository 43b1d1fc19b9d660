using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Text;

public class UntrustedTextTests
{
    [Theory]
    [InlineData("key\r\nINFO forged line", @"key\u000D\u000AINFO forged line")]
    [InlineData("\u001b[31mred\u001b[0m", @"\u001B[31mred\u001B[0m")]
    [InlineData("a\u2028b\u2029c\u0085d", @"a\u2028b\u2029c\u0085d")]
    [InlineData("tab\there\u007f", @"tab\u0009here\u007F")]
    [InlineData("bidi\u202Eevil", @"bidi\u202Eevil")]
    public void ControlAndLineBreakingCharactersBecomeVisibleEscapes(string input, string expected)
    {
        Assert.Equal(expected, UntrustedText.Escape(input, 200));
    }

    [Fact]
    public void ALoneSurrogateIsEscaped()
    {
        // Built here: a test argument holding a lone surrogate does not survive test discovery.
        Assert.Equal(@"lone \uD800 surrogate", UntrustedText.Escape("lone " + (char)0xD800 + " surrogate", 200));
    }

    [Theory]
    [InlineData("com.contoso.demo")]
    [InlineData("$.evidence.debugToken")]
    [InlineData("emoji 😀 and accents é")]
    public void OrdinaryTextIsReturnedAsIs(string input)
    {
        Assert.Same(input, UntrustedText.Escape(input, 200));
    }

    [Fact]
    public void EscapingTwiceChangesNothing()
    {
        var once = UntrustedText.Escape("a\r\nb\u001b\\u000A", 200);

        Assert.Equal(once, UntrustedText.Escape(once, 200));
    }

    [Fact]
    public void LongTextIsCutToTheLimitAndMarked()
    {
        var cut = UntrustedText.Escape(new string('x', 10_000), 64);

        Assert.Equal(new string('x', 64) + UntrustedText.Ellipsis, cut);
    }

    [Fact]
    public void TheLimitCountsEscapesAndNeverSplitsOneOrASurrogatePair()
    {
        var escapes = UntrustedText.Escape(new string('\n', 100), 20);
        var emoji = UntrustedText.Escape("abc" + string.Concat(Enumerable.Repeat("😀", 10)), 6);

        Assert.Equal(@"\u000A\u000A\u000A" + UntrustedText.Ellipsis, escapes);
        Assert.Equal("abc😀" + UntrustedText.Ellipsis, emoji);
    }

    [Fact]
    public void QuoteCutsOneValueToTheDefaultLength()
    {
        Assert.Equal(UntrustedText.DefaultValueLength + 1, UntrustedText.Quote(new string('k', 5000)).Length);
    }

    [Fact]
    public void EveryRefusalDetailIsEscapedAndBounded()
    {
        // Details are returned and logged; the exception is the boundary every refusal passes.
        var refusal = AttestationException.InvalidRequest("bad\r\nWARN forged \u001b[2J" + new string('y', 5000));

        Assert.StartsWith(@"bad\u000D\u000AWARN forged \u001B[2J", refusal.Detail, StringComparison.Ordinal);
        Assert.True(UntrustedText.IsSafe(refusal.Detail));
        Assert.Equal(AttestationException.MaxDetailLength + 1, refusal.Detail.Length);
        Assert.Equal(refusal.Detail, refusal.Message);
    }
}
