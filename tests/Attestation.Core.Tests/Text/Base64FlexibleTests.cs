using Attestation.Core.Text;

namespace Attestation.Core.Tests.Text;

public class Base64FlexibleTests
{
    [Theory]
    [InlineData("+/+/")]
    [InlineData("-_-_")]
    [InlineData("+/8=")]
    [InlineData("-_8")]
    public void StandardAndUrlSafeFormsPaddedOrNotAreAccepted(string text)
    {
        Assert.True(Base64Flexible.TryDecode(text, out var bytes));
        Assert.NotEmpty(bytes);
    }

    [Fact]
    public void BothAlphabetsDecodeToTheSameBytes()
    {
        var bytes = Enumerable.Range(0, 64).Select(i => (byte)(i * 4 + 3)).ToArray();

        Assert.True(Base64Flexible.TryDecode(Convert.ToBase64String(bytes), out var standard));
        Assert.True(Base64Flexible.TryDecode(Base64Flexible.ToBase64Url(bytes), out var url));
        Assert.Equal(bytes, standard);
        Assert.Equal(bytes, url);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab$d")]
    [InlineData("ab cd")]
    [InlineData("AB")]
    [InlineData("QR==")]
    [InlineData("AAB=")]
    public void AnythingElseIsRefused(string? text)
    {
        Assert.False(Base64Flexible.TryDecode(text, out _));
    }

    [Fact]
    public void EmittedTextIsBase64UrlWithoutPadding()
    {
        var text = Base64Flexible.ToBase64Url([0xfb, 0xff]);

        Assert.Equal("-_8", text);
    }
}
