using Attestation.Core.Platforms.Apple;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestPolicyValidatorTests
{
    [Theory]
    [InlineData(null, null, "the Apple section")]
    [InlineData("abcde12345", "com.contoso.demo", "TeamId")]
    [InlineData("ABCDE1234", "com.contoso.demo", "TeamId")]
    [InlineData("ABCDE12345", "", "BundleId")]
    [InlineData("ABCDE12345", "com.contoso/demo", "BundleId")]
    public void APolicyWithoutAUsableAppleSectionIsRefusedAtStart(string? teamId, string? bundleId, string expected)
    {
        var policy = teamId is null && bundleId is null ? null : new AppleAppAttestPolicy { TeamId = teamId, BundleId = bundleId };

        Assert.Contains(new AppleAppAttestPolicyValidator().Validate(policy), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AWellFormedAppleSectionIsAccepted()
    {
        var policy = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.demo" };

        Assert.Empty(new AppleAppAttestPolicyValidator().Validate(policy));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void AMaximumRiskMetricThatIsNotPositiveIsRefused(int maximum)
    {
        var policy = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.demo", MaximumRiskMetric = maximum };

        Assert.Equal(["Apple:MaximumRiskMetric must be a positive integer when set."], new AppleAppAttestPolicyValidator().Validate(policy));
    }

    [Fact]
    public void APositiveMaximumRiskMetricIsAccepted()
    {
        var policy = new AppleAppAttestPolicy { TeamId = "ABCDE12345", BundleId = "com.contoso.demo", MaximumRiskMetric = 1 };

        Assert.Empty(new AppleAppAttestPolicyValidator().Validate(policy));
    }
}
