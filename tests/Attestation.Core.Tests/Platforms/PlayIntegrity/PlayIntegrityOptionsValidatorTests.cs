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

    [Theory]
    [InlineData(0, 10_000, 30, 300, "PerInstancePerMinute")]
    [InlineData(60, 0, 30, 300, "PerDay")]
    [InlineData(60, 10_000, 0, 300, "CircuitBreaker")]
    [InlineData(60, 10_000, 600, 300, "CircuitBreaker")]
    [InlineData(60, 10_000, 30, 7200, "CircuitBreaker")]
    public void AnUnboundedOrEmptyCallBudgetOrBreakerIsRefused(int perMinute, int perDay, int openForSeconds, int maxOpenForSeconds, string named)
    {
        var options = new PlayIntegrityOptions
        {
            GoogleCallBudget = new() { PerInstancePerMinute = perMinute, PerDay = perDay },
            CircuitBreaker = new() { OpenFor = TimeSpan.FromSeconds(openForSeconds), MaxOpenFor = TimeSpan.FromSeconds(maxOpenForSeconds) },
        };

        var result = new PlayIntegrityOptionsValidator(production: false).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaultCallBudgetAndBreakerAreAccepted() =>
        Assert.True(new PlayIntegrityOptionsValidator(production: true).Validate(null, new PlayIntegrityOptions()).Succeeded);
}
