using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>One test per policy rule: genuine evidence the app's policy refuses is a policy_violation.</summary>
public sealed class AndroidKeyAttestationPolicyEnforcementTests
{
    [Fact]
    public async Task AnotherPackageIsAPolicyViolation()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { PackageNames = ["com.evil.clone"] });

        Assert.Equal("policy_violation", code);
        Assert.Contains("package", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRightPackageAmongSeveralSharingAUserIdIsAccepted()
    {
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { PackageNames = ["com.contoso.other", "com.contoso.demo"] })).Code);
    }

    [Fact]
    public async Task AnotherSigningCertificateIsAPolicyViolation()
    {
        var (code, detail) = await AndroidTestKit.VerifyAsync(new AndroidTestChain { SignatureDigests = [new byte[32]] });

        Assert.Equal("policy_violation", code);
        Assert.Contains("signing certificate", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSigningDigestMayBeConfiguredAsBase64Url()
    {
        var policy = AndroidTestKit.Policy();
        policy.SigningCertificateDigests.Clear();
        policy.SigningCertificateDigests.Add(Attestation.Core.Text.Base64Flexible.ToBase64Url(AndroidTestChain.DemoSigningDigest));

        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain(), policy)).Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ABootStateOtherThanVerifiedIsAPolicyViolation(int state)
    {
        var chain = new AndroidTestChain { VerifiedBootState = state };
        var lenient = AndroidTestKit.Policy();
        lenient.RequireVerifiedBoot = false;

        Assert.Equal("policy_violation", (await AndroidTestKit.VerifyAsync(chain)).Code);
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain, lenient)).Code);
    }

    [Fact]
    public async Task AnUnlockedBootloaderIsAPolicyViolation()
    {
        var chain = new AndroidTestChain { DeviceLocked = false };
        var lenient = AndroidTestKit.Policy();
        lenient.RequireLockedBootloader = false;

        var (code, detail) = await AndroidTestKit.VerifyAsync(chain);

        Assert.Equal("policy_violation", code);
        Assert.Contains("unlocked", detail, StringComparison.Ordinal);
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain, lenient)).Code);
    }

    [Fact]
    public async Task ATeeKeyIsAPolicyViolationWhenStrongBoxIsRequired()
    {
        var policy = AndroidTestKit.Policy();
        policy.MinimumSecurityLevel = "strongbox";

        Assert.Equal("policy_violation", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { SecurityLevel = 1 }, policy)).Code);
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { SecurityLevel = 2 }, policy)).Code);
    }

    [Fact]
    public async Task AnOlderPatchLevelIsAPolicyViolation()
    {
        var policy = AndroidTestKit.Policy();
        policy.MinimumOsPatchLevel = 202512;

        Assert.Equal("policy_violation", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { OsPatchLevel = 202511 }, policy)).Code);
        Assert.Equal("policy_violation", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { OsPatchLevel = null }, policy)).Code);
        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(new AndroidTestChain { OsPatchLevel = 202512 }, policy)).Code);
    }
}
