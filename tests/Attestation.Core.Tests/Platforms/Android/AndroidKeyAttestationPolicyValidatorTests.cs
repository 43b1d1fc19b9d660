using Attestation.Core.Platforms.Android;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>Which AndroidKey sections may be configured: each problem stops the start (or an admin write).</summary>
public sealed class AndroidKeyAttestationPolicyValidatorTests
{
    [Fact]
    public void APolicyWithoutPackageOrSigningDigestsDoesNotStart()
    {
        var validator = new AndroidKeyAttestationPolicyValidator();
        var empty = new AndroidKeyAttestationPolicy();

        var problems = validator.Validate(empty).ToList();

        Assert.Contains(problems, p => p.Contains("PackageName", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SigningCertificateDigests", StringComparison.Ordinal));
        Assert.Empty(validator.Validate(AndroidTestKit.Policy()));
    }

    [Fact]
    public void AMissingSectionABadDigestABadLevelOrABadPatchLevelDoesNotStart()
    {
        var validator = new AndroidKeyAttestationPolicyValidator();
        var bad = AndroidTestKit.Policy();
        bad.SigningCertificateDigests.Add("not-a-digest");
        bad.MinimumSecurityLevel = "software";
        bad.MinimumOsPatchLevel = 202613;
        var problems = validator.Validate(bad).ToList();

        Assert.Equal(3, problems.Count);
        Assert.Single(validator.Validate(null));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void AMaximumOfDevicesPerBatchCertificateBelowOneDoesNotStart(int maximum)
    {
        var validator = new AndroidKeyAttestationPolicyValidator();
        var bad = AndroidTestKit.Policy();
        bad.MaximumDevicesPerBatchCertificate = maximum;

        var problem = Assert.Single(validator.Validate(bad));

        Assert.Contains("AndroidKey:MaximumDevicesPerBatchCertificate must be a positive whole number", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void NoMaximumOrAPositiveOneStarts(int? maximum)
    {
        var policy = AndroidTestKit.Policy();
        policy.MaximumDevicesPerBatchCertificate = maximum;

        Assert.Empty(new AndroidKeyAttestationPolicyValidator().Validate(policy));
    }

    [Fact]
    public void TheSecurityLevelsOfThePolicyAreTeeAndStrongBox()
    {
        Assert.Equal(KeySecurityLevel.TrustedEnvironment, AndroidKeyAttestationPolicy.ParseSecurityLevel("tee"));
        Assert.Equal(KeySecurityLevel.StrongBox, AndroidKeyAttestationPolicy.ParseSecurityLevel("strongbox"));
        Assert.Null(AndroidKeyAttestationPolicy.ParseSecurityLevel("software"));
        Assert.Null(AndroidKeyAttestationPolicy.ParseSecurityLevel("TEE"));
        Assert.Null(AndroidKeyAttestationPolicy.ParseSecurityLevel(null));
    }
}
