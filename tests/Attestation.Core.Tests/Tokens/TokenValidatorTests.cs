using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tests.Tokens;

public class TokenValidatorTests
{
    private readonly TokenTestKit _kit = new();

    [Fact]
    public async Task ATokenFromTheIssuerVerifiesWithItsClaims()
    {
        var issued = _kit.Issuer.Issue(TokenTestKit.Keys, TokenTestKit.Subject());

        var check = await _kit.ValidateAsync(issued.Token);

        Assert.True(check.IsValid);
        Assert.Equal("device-1", check.Token!.DeviceId);
        Assert.Equal("com.contoso.demo", check.Token.AppId);
        Assert.Equal("debug", check.Token.Platform);
        Assert.Equal(TokenTestKit.Start, check.Token.IssuedAt);
        Assert.Equal(TokenTestKit.Start.AddMinutes(5), check.Token.ExpiresAt);
    }

    [Fact]
    public async Task ATamperedPayloadIsABadSignature()
    {
        var parts = _kit.IssueWith(TokenTestKit.V3).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("device-1", "device-2", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64Flexible.ToBase64Url(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(forged)).Refusal);
    }

    [Fact]
    public async Task ATamperedSignatureIsABadSignature()
    {
        var parts = _kit.IssueWith(TokenTestKit.V3).Split('.');
        var signature = Base64UrlDecode(parts[2]);
        signature[0] ^= 0x01;
        var forged = $"{parts[0]}.{parts[1]}.{Base64Flexible.ToBase64Url(signature)}";

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(forged)).Refusal);
    }

    [Fact]
    public async Task AnUnsignedAlgNoneTokenIsRefused()
    {
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(_kit.IssueWith(TokenTestKit.V3).Split('.')[1]));
        var unsigned = $"{Encode("""{"alg":"none","typ":"JWT","kid":"v3"}""")}.{Encode(payload)}.";

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(unsigned)).Refusal);
    }

    [Fact]
    public async Task AnHmacSignatureUnderAnRs256HeaderIsRefused()
    {
        // Algorithm confusion: the attacker claims RS256 but signs with what it hopes is the "public" key, the HS256 secret.
        var payload = Base64UrlDecode(_kit.IssueWith(TokenTestKit.V3).Split('.')[1]);
        var signingInput = $"{Encode("""{"alg":"RS256","typ":"JWT","kid":"v3"}""")}.{Base64Flexible.ToBase64Url(payload)}";
        var mac = HMACSHA256.HashData(Enumerable.Repeat((byte)3, 32).ToArray(), Encoding.ASCII.GetBytes(signingInput));

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync($"{signingInput}.{Base64Flexible.ToBase64Url(mac)}")).Refusal);
    }

    [Fact]
    public async Task AnEs256SignedTokenIsRefusedEvenWithAKnownKid()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://attestation.test",
            Audience = "api://test",
            IssuedAt = TokenTestKit.Start.UtcDateTime,
            NotBefore = TokenTestKit.Start.UtcDateTime,
            Expires = TokenTestKit.Start.AddMinutes(5).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = "device-1", ["app"] = "com.contoso.demo", ["plat"] = "debug", ["jti"] = "x" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = "v3" }, SecurityAlgorithms.EcdsaSha256),
        });

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(token)).Refusal);
    }

    [Fact]
    public async Task AnUnknownKidIsABadSignature()
    {
        var stranger = new SigningKey("v9", Enumerable.Repeat((byte)3, 32).ToArray());

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(_kit.IssueWith(stranger))).Refusal);
    }

    [Fact]
    public async Task ATokenSignedWithThePreviousKeyVersionVerifies()
    {
        Assert.True((await _kit.ValidateAsync(_kit.IssueWith(TokenTestKit.V2))).IsValid);
    }

    [Fact]
    public async Task ATokenSignedWithAVersionOlderThanThePreviousIsRefused()
    {
        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(_kit.IssueWith(TokenTestKit.V1))).Refusal);
    }

    [Fact]
    public async Task ATokenIsRefusedAsExpiredOnceItsLifetimeHasPassed()
    {
        var token = _kit.IssueWith(TokenTestKit.V3);

        _kit.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True((await _kit.ValidateAsync(token)).IsValid);

        _kit.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenRefusal.Expired, (await _kit.ValidateAsync(token)).Refusal);
    }

    [Fact]
    public async Task ATokenFromTheFutureIsNotYetValid()
    {
        // Issued by a clock one minute ahead of the verifier's.
        var ahead = new TokenTestKit();
        ahead.Clock.Advance(TimeSpan.FromMinutes(1));
        var token = ahead.IssueWith(TokenTestKit.V3);

        Assert.Equal(TokenRefusal.NotYetValid, (await _kit.ValidateAsync(token)).Refusal);
    }

    [Fact]
    public async Task ATokenOfAnotherIssuerIsRefused()
    {
        var other = new TokenTestKit(issuer: "https://elsewhere.test");

        Assert.Equal(TokenRefusal.WrongIssuer, (await _kit.ValidateAsync(other.IssueWith(TokenTestKit.V3))).Refusal);
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIsRefused()
    {
        var other = new TokenTestKit(audience: "api://elsewhere");

        Assert.Equal(TokenRefusal.WrongAudience, (await _kit.ValidateAsync(other.IssueWith(TokenTestKit.V3))).Refusal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("a.b")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0")]
    public async Task TextThatIsNotAJwtIsMalformed(string token)
    {
        Assert.Equal(TokenRefusal.Malformed, (await _kit.ValidateAsync(token)).Refusal);
    }

    [Fact]
    public async Task ABoundTokenVerifiesWithTheBoundValue()
    {
        var binding = Base64Flexible.Sha256Base64Url("Bearer user-session-token");
        var token = _kit.IssueWith(TokenTestKit.V3, binding);

        var check = await _kit.ValidateAsync(token, "Bearer user-session-token");

        Assert.True(check.IsValid);
        Assert.Equal(binding, check.Token!.Binding);
    }

    [Fact]
    public async Task ABoundTokenIsRefusedWithAnotherValue()
    {
        var token = _kit.IssueWith(TokenTestKit.V3, Base64Flexible.Sha256Base64Url("Bearer user-session-token"));

        Assert.Equal(TokenRefusal.BindingMismatch, (await _kit.ValidateAsync(token, "Bearer someone-else")).Refusal);
    }

    [Fact]
    public async Task AnUnboundTokenIsRefusedWhenTheCallerChecksABinding()
    {
        Assert.Equal(TokenRefusal.BindingMismatch, (await _kit.ValidateAsync(_kit.IssueWith(TokenTestKit.V3), "Bearer x")).Refusal);
    }

    [Fact]
    public void EveryRefusalHasTheWireNameOfTheContract()
    {
        string[] expected = ["malformed", "bad_signature", "expired", "not_yet_valid", "wrong_issuer", "wrong_audience", "wrong_app", "wrong_platform", "binding_mismatch", "already_consumed", "device_revoked"];

        Assert.Equal(expected, Enum.GetValues<TokenRefusal>().Select(TokenValidator.ToWireName));
    }

    private static string Encode(string json) => Base64Flexible.ToBase64Url(Encoding.UTF8.GetBytes(json));

    private static byte[] Base64UrlDecode(string text) =>
        Base64Flexible.TryDecode(text, out var bytes) ? bytes : throw new FormatException(text);

    internal static JsonDocument Payload(string token) => JsonDocument.Parse(Base64UrlDecode(token.Split('.')[1]));

    internal static JsonDocument Header(string token) => JsonDocument.Parse(Base64UrlDecode(token.Split('.')[0]));
}
