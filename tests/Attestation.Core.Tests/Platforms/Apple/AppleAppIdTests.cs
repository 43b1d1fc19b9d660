using Attestation.Core.Platforms.Apple;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppIdTests
{
    [Fact]
    public void TheAppIdIsTheTeamIdDotTheBundleId()
    {
        var policy = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.demo" };

        Assert.Equal("ABCDE12345.com.contoso.demo", AppleAppId.Of(policy));
    }

    [Theory]
    [InlineData(null, "com.contoso.demo")]
    [InlineData("ABCDE12345", null)]
    [InlineData("", "com.contoso.demo")]
    [InlineData("ABCDE12345", "")]
    public void ASectionWithoutATeamIdOrBundleIdHasNoAppId(string? teamId, string? bundleId) =>
        Assert.Null(AppleAppId.Of(new AppleAppAttestPolicy { TeamId = teamId, BundleId = bundleId }));
}
