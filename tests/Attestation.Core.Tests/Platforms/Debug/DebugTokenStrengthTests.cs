using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Platforms.Debug;

/// <summary>Issue 16, finding 6: a debug token with fewer than 128 bits is accepted only in Development.</summary>
public class DebugTokenStrengthTests
{
    private const string WeakToken = "local-debug-token";

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", 128)]
    [InlineData("0123456789abcdef0123456789abcde", 124)]
    [InlineData("Ab0-Ab0-Ab0-Ab0-Ab0-Ab", 132)]
    [InlineData("Ab0-Ab0-Ab0-Ab0-Ab0-A", 126)]
    [InlineData("Ab0+Ab0/Ab0+Ab0/Ab0+A=", 126)]
    [InlineData("abcdefghijklmnopqrstuvwxy", 129.2)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWX", 124.1)]
    [InlineData("local-debug-token", 102)]
    [InlineData("12345678901234567890", 66.4)]
    public void TheEstimateIsTheLengthTimesTheBitsOfTheSmallestAlphabet(string token, double bits)
    {
        Assert.Equal(bits, DebugTokenStrength.EstimatedBits(token), 1);
    }

    [Fact]
    public void TheAdminApisTokensAreStrongEnough()
    {
        // What AppAdministration.CreateDebugTokenAsync hands out: 32 random bytes, base64url.
        Assert.True(DebugTokenStrength.IsStrongEnough(Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32))));
        Assert.True(DebugTokenStrength.IsStrongEnough(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
        Assert.False(DebugTokenStrength.IsStrongEnough(Convert.ToHexString(RandomNumberGenerator.GetBytes(15))));
    }

    [Fact]
    public async Task InProductionAWeakRegisteredTokenIsRefusedAndAStrongOneAttests()
    {
        var strong = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32));
        var policy = Policy(WeakToken, strong);
        var production = new DebugAttestationVerifier(production: true);

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => production.VerifyAsync(policy, "challenge", Evidence(production, WeakToken)));
        var verdict = await production.VerifyAsync(policy, "challenge", Evidence(production, strong));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("128 bits", refusal.Detail, StringComparison.Ordinal);
        Assert.Equal(Base64Flexible.Sha256Base64Url(strong), verdict.DeviceId);
    }

    [Fact]
    public async Task InDevelopmentAWeakRegisteredTokenAttests()
    {
        var development = new DebugAttestationVerifier(production: false);

        var verdict = await development.VerifyAsync(Policy(WeakToken), "challenge", Evidence(development, WeakToken));

        Assert.Equal(Base64Flexible.Sha256Base64Url(WeakToken), verdict.DeviceId);
    }

    [Fact]
    public async Task InProductionAWeakTokenCannotRefreshEither()
    {
        var registration = new DeviceRegistration("com.contoso.demo", Base64Flexible.Sha256Base64Url(WeakToken), PlatformNames.Debug, null, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "debug token", DeviceStatus.Active, "etag");
        var production = new DebugRefreshVerifier(production: true);
        var proof = production.ReadProof(Json(WeakToken));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => production.VerifyAsync(Policy(WeakToken), registration, "challenge", proof));

        Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
        Assert.Equal(0, (await new DebugRefreshVerifier(production: false).VerifyAsync(Policy(WeakToken), registration, "challenge", proof)).Counter);
    }

    private static DebugPolicy Policy(params string[] tokens) => new(tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))));

    private static DebugTokenEvidence Evidence(DebugAttestationVerifier verifier, string token) => verifier.ReadEvidence(Json(token));

    private static JsonElement Json(string token) => JsonDocument.Parse(JsonSerializer.Serialize(new { debugToken = token })).RootElement.Clone();
}
