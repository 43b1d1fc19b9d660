using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestOptionsValidatorTests : IDisposable
{
    private readonly AppAttestTestAuthority _authority = new();

    [Fact]
    public void TestOnlyRootsAreRefusedInProduction()
    {
        var options = new AppleAppAttestOptions();
        options.TestOnlyTrustedRoots.Add(_authority.RootPem);

        Assert.True(new AppleAppAttestOptionsValidator(production: true).Validate(null, options).Failed);
        Assert.True(new AppleAppAttestOptionsValidator(production: false).Validate(null, options).Succeeded);
        Assert.True(new AppleAppAttestOptionsValidator(production: true).Validate(null, new AppleAppAttestOptions()).Succeeded);
    }

    [Fact]
    public void ATestOnlyRootThatIsNotACertificateStopsTheStart()
    {
        var options = new AppleAppAttestOptions();
        options.TestOnlyTrustedRoots.Add("not a certificate");

        var result = new AppleAppAttestOptionsValidator(production: false).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TestOnlyTrustedRoots", result.FailureMessage, StringComparison.Ordinal);
    }

    public void Dispose() => _authority.Dispose();
}
