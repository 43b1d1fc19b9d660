using System.Text.Json;
using Attestation.Core.Tokens;

namespace Attestation.Core.Tests.Tokens;

public class TokenIssuerTests
{
    private readonly TokenTestKit _kit = new();

    [Fact]
    public void TheHeaderIsHs256JwtWithTheKeyVersionAsKid()
    {
        using var header = TokenValidatorTests.Header(_kit.IssueWith(TokenTestKit.V3));

        Assert.Equal(["alg", "kid", "typ"], header.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal("v3", header.RootElement.GetProperty("kid").GetString());
    }

    [Fact]
    public void AnUnboundTokenHasExactlyTheClaimsOfTheContract()
    {
        using var payload = TokenValidatorTests.Payload(_kit.IssueWith(TokenTestKit.V3));

        Assert.Equal(
            ["app", "aud", "exp", "iat", "iss", "jti", "nbf", "plat", "sub"],
            payload.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ABoundTokenAddsPay()
    {
        using var payload = TokenValidatorTests.Payload(_kit.IssueWith(TokenTestKit.V3, "abc"));

        Assert.Equal("abc", payload.RootElement.GetProperty("pay").GetString());
    }

    [Fact]
    public void TimesAreWholeSecondsAndExpiryIsIssuedAtPlusTheLifetime()
    {
        _kit.Clock.Advance(TimeSpan.FromMilliseconds(750));
        using var payload = TokenValidatorTests.Payload(_kit.IssueWith(TokenTestKit.V3));
        var root = payload.RootElement;

        foreach (var claim in new[] { "iat", "nbf", "exp" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(claim).ValueKind);
            Assert.DoesNotContain('.', root.GetProperty(claim).GetRawText());
        }

        Assert.Equal(TokenTestKit.Start.ToUnixTimeSeconds(), root.GetProperty("iat").GetInt64());
        Assert.Equal(root.GetProperty("iat").GetInt64(), root.GetProperty("nbf").GetInt64());
        Assert.Equal(root.GetProperty("iat").GetInt64() + 300, root.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void EveryTokenHasItsOwnJti()
    {
        var ids = Enumerable.Range(0, 50)
            .Select(_ => TokenValidatorTests.Payload(_kit.IssueWith(TokenTestKit.V3)).RootElement.GetProperty("jti").GetString())
            .ToHashSet();

        Assert.Equal(50, ids.Count);
    }

    [Fact]
    public async Task ADecoyTokenHasTheCurrentKidButNeverVerifies()
    {
        var decoy = _kit.Issuer.IssueDecoy(TokenTestKit.Keys, TokenTestKit.Subject());
        using var header = TokenValidatorTests.Header(decoy.Token);

        Assert.Equal("v3", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(decoy.Token)).Refusal);
    }

    [Theory]
    [InlineData("01:00:01", false)]
    [InlineData("00:00:00", false)]
    [InlineData("01:00:00", true)]
    [InlineData("00:05:00", true)]
    public void TheLifetimeIsBoundedToOneHour(string lifetime, bool accepted)
    {
        var options = new TokenOptions { Issuer = "i", Audience = "a", Lifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        Assert.Equal(accepted, valid);
    }
}
