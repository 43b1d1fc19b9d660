using Attestation.Core.Apps;

using Attestation.Core.Platforms;

namespace Attestation.Core.Tests.Platforms;

public sealed class SigningCertificateDigestTests
{
    private const string Hex = "A40DA80A59D170CAA950CF15C18C454D47A39B26989D8B640ECD745BA71BF5DC";

    [Theory]
    [InlineData(Hex)]
    [InlineData("a40da80a59d170caa950cf15c18c454d47a39b26989d8b640ecd745ba71bf5dc")]
    [InlineData("A4:0D:A8:0A:59:D1:70:CA:A9:50:CF:15:C1:8C:45:4D:47:A3:9B:26:98:9D:8B:64:0E:CD:74:5B:A7:1B:F5:DC")]
    [InlineData("pA2oClnRcMqpUM8VwYxFTUejmyaYnYtkDs10W6cb9dw")]
    [InlineData("pA2oClnRcMqpUM8VwYxFTUejmyaYnYtkDs10W6cb9dw=")]
    public void HexAndBase64SpellingsOfOneDigestParseToTheSameBytes(string text)
    {
        Assert.True(SigningCertificateDigest.TryParse(text, out var digest));
        Assert.Equal(Convert.FromHexString(Hex), digest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("A40DA80A")]
    [InlineData("zz0DA80A59D170CAA950CF15C18C454D47A39B26989D8B640ECD745BA71BF5DC")]
    [InlineData("pA2oClnRcMqpUM8VwYxFTUejmyaYnYtkDs10W6cb")]
    public void AnythingThatIsNotThirtyTwoBytesIsRefused(string? text) =>
        Assert.False(SigningCertificateDigest.TryParse(text, out _));

    [Fact]
    public void IsAllowedComparesWholeDigests()
    {
        var digest = Convert.FromHexString(Hex);
        var other = (byte[])digest.Clone();
        other[31] ^= 1;

        Assert.True(SigningCertificateDigest.IsAllowed(digest, [other, digest]));
        Assert.False(SigningCertificateDigest.IsAllowed(digest, [other]));
        Assert.False(SigningCertificateDigest.IsAllowed(digest, [digest[..16]]));
    }
}
