using Microsoft.Extensions.Options;

namespace Attestation.Functions.Tests;

/// <summary>A bad setting stops the start with a message that names it, rather than failing on the first request.</summary>
public class StartupValidationTests
{
    [Theory]
    [InlineData("--Attestation:Apps:0:FailureMode=silent", "FailureMode must be 'reject' or 'decoy'")]
    [InlineData("--Attestation:Apps:1:Platforms:0=windows-hello", "unknown platform 'windows-hello'")]
    [InlineData("--Attestation:Token:Lifetime=02:00:00", "Attestation:Token:Lifetime must be between 1 second and 1 hour")]
    [InlineData("--Attestation:SigningKey:Current:Secret=c2hvcnQ=", "Attestation:SigningKey:Current:Secret must be base64")]
    [InlineData("--Attestation:ChallengeKey:Current:Secret=c2hvcnQ=", "Attestation:ChallengeKey:Current:Secret must be base64")]
    [InlineData("--Attestation:ChallengeKey:Current:Version=", "Attestation:ChallengeKey:Current:Version is required")]
    [InlineData("--Attestation:Storage:ConnectionString=", "Attestation:Storage:TableServiceUri")]
    public async Task ABadSettingStopsTheStart(string setting, string expected)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () => await RunningBackend.StartAsync(settings: [setting]));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }
}
