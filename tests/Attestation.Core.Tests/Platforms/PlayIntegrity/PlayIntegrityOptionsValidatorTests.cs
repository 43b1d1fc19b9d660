using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public sealed class PlayIntegrityOptionsValidatorTests
{
    [Theory]
    [InlineData("https://playintegrity.googleapis.com/", true, true)]
    [InlineData("https://PLAYINTEGRITY.googleapis.com/", true, true)]
    [InlineData("https://127.0.0.1:5001/", true, false)]
    [InlineData("http://playintegrity.googleapis.com/", true, false)]
    [InlineData("https://playintegrity.googleapis.com:8443/", true, false)]
    [InlineData("https://playintegrity.googleapis.com.example.net/", true, false)]
    [InlineData("https://127.0.0.1:5001/", false, true)]
    public void OnlyGooglesEndpointDecodesStandardTokensInProduction(string endpoint, bool production, bool accepted)
    {
        var result = new PlayIntegrityOptionsValidator(production).Validate(null, new PlayIntegrityOptions { DecodeEndpoint = new Uri(endpoint) });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains("DecodeEndpoint", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
