using Attestation.Core.Platforms.Apple.RiskMetric;

namespace Attestation.Core.Tests.Platforms.Apple.RiskMetric;

public sealed class AppleRiskMetricOptionsValidatorTests
{
    [Fact]
    public void NoKeyIdAndNoTeamIdIsValidAndTurnsTheMetricOff()
    {
        var options = new AppleRiskMetricOptions();

        Assert.True(new AppleRiskMetricOptionsValidator(production: true).Validate(null, options).Succeeded);
        Assert.False(options.IsEnabled);
    }

    [Theory]
    [InlineData("KEY1234567", null, "set both KeyId and TeamId")]
    [InlineData(null, "ABCDE12345", "set both KeyId and TeamId")]
    [InlineData("key1234567", "ABCDE12345", "KeyId must be")]
    [InlineData("KEY1234567", "ABCDE1234", "TeamId must be")]
    public void AHalfOrMalformedSettingStopsTheStart(string? keyId, string? teamId, string expected)
    {
        var result = new AppleRiskMetricOptionsValidator(production: false).Validate(null, new AppleRiskMetricOptions { KeyId = keyId, TeamId = teamId });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://localhost:5001/development/", null)]
    [InlineData(null, "https://localhost:5001/production/")]
    [InlineData(null, "http://data.appattest.apple.com/")]
    [InlineData("https://data.appattest.apple.com/", null)]
    public void InProductionOnlyApplesServersAreAccepted(string? development, string? production)
    {
        var options = new AppleRiskMetricOptions { KeyId = "KEY1234567", TeamId = "ABCDE12345" };
        options.DevelopmentEndpoint = development is null ? options.DevelopmentEndpoint : new Uri(development);
        options.ProductionEndpoint = production is null ? options.ProductionEndpoint : new Uri(production);

        var inProduction = new AppleRiskMetricOptionsValidator(production: true).Validate(null, options);
        var inDevelopment = new AppleRiskMetricOptionsValidator(production: false).Validate(null, options);

        Assert.True(inProduction.Failed);
        Assert.Contains("in production; other endpoints are for tests only", inProduction.FailureMessage, StringComparison.Ordinal);
        Assert.True(inDevelopment.Succeeded);
    }

    [Fact]
    public void ApplesServersAreTheDefaultsAndValidInProduction()
    {
        var options = new AppleRiskMetricOptions { KeyId = "KEY1234567", TeamId = "ABCDE12345" };

        Assert.True(new AppleRiskMetricOptionsValidator(production: true).Validate(null, options).Succeeded);
        Assert.Equal(new Uri("https://data.appattest.apple.com/"), options.ProductionEndpoint);
        Assert.Equal(new Uri("https://data-development.appattest.apple.com/"), options.DevelopmentEndpoint);
        Assert.True(options.IsEnabled);
    }
}
