using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.AspNetCore.Tests;

/// <summary>Settings that would accept too much or nothing stop the API at start, naming the setting.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string> Bad => new()
    {
        { "no-apps", "AppIds must name at least one app" },
        { "no-keys", "Set exactly one key source" },
        { "two-sources", "Set exactly one key source" },
        { "http-jwks", "JwksUri must be an absolute https URI" },
        { "short-key", "base64 of at least 32 bytes" },
        { "no-issuer", "Issuer is required" },
        { "huge-skew", "ClockSkew must be between 0 and 5 minutes" },
        { "staleness", "KeyMaxStaleness must be longer than KeyRefreshInterval" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task ABadSettingFailsAtStart(string setting, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => ProtectedApi.StartAsync(new FakeTimeProvider(TestTokens.Now), options =>
        {
            options.SigningKeys.Add(new AttestationSigningKey { Version = "v1", Secret = TestTokens.CurrentSecret });
            switch (setting)
            {
                case "no-apps": options.AppIds.Clear(); break;
                case "no-keys": options.SigningKeys.Clear(); break;
                case "two-sources": options.JwksUri = new Uri("https://attestation.example/api/.well-known/jwks.json"); break;
                case "http-jwks": options.SigningKeys.Clear(); options.JwksUri = new Uri("http://attestation.example/jwks.json"); break;
                case "short-key": options.SigningKeys[0].Secret = Convert.ToBase64String(new byte[31]); break;
                case "no-issuer": options.Issuer = ""; break;
                case "huge-skew": options.ClockSkew = TimeSpan.FromMinutes(6); break;
                case "staleness": options.KeyMaxStaleness = options.KeyRefreshInterval; break;
            }
        }));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestTokens.CurrentSecret, failure.Message, StringComparison.Ordinal);
    }
}
