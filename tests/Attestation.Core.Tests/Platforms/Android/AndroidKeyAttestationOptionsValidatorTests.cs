using System.Security.Cryptography;
using Attestation.Core.Platforms.Android;

namespace Attestation.Core.Tests.Platforms.Android;

public sealed class AndroidKeyAttestationOptionsValidatorTests
{
    [Fact]
    public void TestRootKeysAreRefusedInProduction()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var options = new AndroidKeyAttestationOptions();
        options.TestOnlyTrustedRootPublicKeys.Add(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));

        Assert.True(new AndroidKeyAttestationOptionsValidator(production: false).Validate(null, options).Succeeded);
        var inProduction = new AndroidKeyAttestationOptionsValidator(production: true).Validate(null, options);

        Assert.True(inProduction.Failed);
        Assert.Contains("TestOnlyTrustedRootPublicKeys must be empty in production", inProduction.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("MAA")]
    public void ATestRootThatIsNotAKeyDoesNotStart(string value)
    {
        var options = new AndroidKeyAttestationOptions();
        options.TestOnlyTrustedRootPublicKeys.Add(value);

        Assert.True(new AndroidKeyAttestationOptionsValidator(production: false).Validate(null, options).Failed);
    }

    [Fact]
    public void AStatusListOverPlainHttpOrFromAFileIsRefusedInProduction()
    {
        var options = new AndroidKeyAttestationOptions { StatusListUri = new Uri("http://127.0.0.1:8080/status"), StatusListFile = "status.json" };

        Assert.True(new AndroidKeyAttestationOptionsValidator(production: false).Validate(null, options).Succeeded);
        var inProduction = new AndroidKeyAttestationOptionsValidator(production: true).Validate(null, options);

        Assert.Contains("https", inProduction.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("StatusListFile", inProduction.FailureMessage, StringComparison.Ordinal);
    }
}
