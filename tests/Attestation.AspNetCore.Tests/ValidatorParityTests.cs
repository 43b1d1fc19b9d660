using Attestation.AspNetCore.Keys;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// The package checks exactly what the backend's verify checks: the same tokens through Attestation.Core's
/// <see cref="TokenValidator"/> (verify's own code) and the package's validator give the same verdict and reason.
/// </summary>
public sealed class ValidatorParityTests
{
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);
    private readonly TestTokens _tokens;

    public ValidatorParityTests() => _tokens = new TestTokens(_clock);

    public static TheoryData<string> Shapes =>
    [
        "valid", "previous-key", "decoy", "alg-none", "unknown-kid", "no-kid", "es256", "wrong-issuer", "wrong-audience",
        "other-app", "other-platform", "no-app-claim", "no-sub", "no-jti", "no-iat", "no-exp", "wrong-typ", "not-yet-valid",
        "expired", "garbage", "two-dots", "bound-right", "bound-wrong", "unbound-but-required",
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task ThePackageAndVerifyGiveTheSameVerdict(string shape)
    {
        var (token, bound) = Case(shape);
        var core = new TokenValidator(_tokens.Options, _clock);
        var scope = TokenScope.Create(TestTokens.DemoApp, ["debug", "apple-app-attest"]);
        var package = Package(requireBinding: bound is not null);

        var verdict = await core.ValidateAsync(token, _tokens.Keys, bound, scope);
        var result = await package.ValidateAsync(token, bound);

        Assert.Equal(verdict.IsValid ? null : TokenValidator.ToWireName(verdict.Refusal!.Value), result.Refusal);
        if (verdict.IsValid)
        {
            Assert.Equal(verdict.Token!.AppId, result.AppId);
            Assert.Equal(verdict.Token.DeviceId, result.DeviceId);
            Assert.Equal(verdict.Token.Platform, result.Platform);
            Assert.Equal(verdict.Token.ExpiresAt, result.ExpiresAt);
        }
    }

    [Fact]
    public async Task ATokenLongerThan8KiBIsMalformedBeforeItIsParsed()
    {
        var token = _tokens.MintHs256(new Dictionary<string, object?> { ["filler"] = new string('a', AttestationTokenValidator.MaxTokenLength) });

        var result = await Package(requireBinding: false).ValidateAsync(token, null);

        Assert.Equal("malformed", result.Refusal);
    }

    [Fact]
    public async Task WithoutRequireBindingAnUnboundTokenPassesAndABoundOneMustMatch()
    {
        var package = Package(requireBinding: false);

        Assert.True((await package.ValidateAsync(_tokens.Issue(), "Bearer anything")).IsValid);
        Assert.True((await package.ValidateAsync(_tokens.Issue(binding: TestTokens.Pay("Bearer a")), "Bearer a")).IsValid);
        Assert.Equal("binding_mismatch", (await package.ValidateAsync(_tokens.Issue(binding: TestTokens.Pay("Bearer a")), null)).Refusal);
    }

    [Fact]
    public async Task TheClockSkewWidensTheLifetimeBothWays()
    {
        var token = _tokens.Issue();
        var options = Options(requireBinding: false);
        options.ClockSkew = TimeSpan.FromSeconds(30);
        var package = new AttestationTokenValidator(options, new ConfiguredKeySource(options.SigningKeys), _clock);

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.True((await package.ValidateAsync(token, null)).IsValid);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("expired", (await package.ValidateAsync(token, null)).Refusal);
    }

    private AttestationTokenValidator Package(bool requireBinding)
    {
        var options = Options(requireBinding);
        return new AttestationTokenValidator(options, new ConfiguredKeySource(options.SigningKeys), _clock);
    }

    private static AttestationTokenOptions Options(bool requireBinding)
    {
        var options = new AttestationTokenOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience, RequireBinding = requireBinding };
        options.AppIds.Add(TestTokens.DemoApp);
        options.Platforms.Add("debug");
        options.Platforms.Add("apple-app-attest");
        options.SigningKeys.Add(new AttestationSigningKey { Version = TestTokens.CurrentVersion, Secret = TestTokens.CurrentSecret });
        options.SigningKeys.Add(new AttestationSigningKey { Version = TestTokens.PreviousVersion, Secret = TestTokens.PreviousSecret });
        return options;
    }

    private (string Token, string? Bound) Case(string shape)
    {
        var current = new SymmetricSecurityKey(Convert.FromBase64String(TestTokens.CurrentSecret)) { KeyId = TestTokens.CurrentVersion };
        switch (shape)
        {
            case "valid": return (_tokens.Issue(), null);
            case "previous-key": return (_tokens.IssueWithPrevious(), null);
            case "decoy": return (_tokens.IssueDecoy(), null);
            case "alg-none": return (_tokens.Unsigned(), null);
            case "unknown-kid": return (_tokens.Mint(new SymmetricSecurityKey(current.Key) { KeyId = "v9" }, "HS256"), null);
            case "no-kid": return (_tokens.Mint(new SymmetricSecurityKey(current.Key), "HS256"), null);
            case "es256": return (_tokens.Mint(TestTokens.NewEs256Key(TestTokens.CurrentVersion), "ES256"), null);
            case "wrong-issuer": return (_tokens.IssueFor("https://attacker.example", TestTokens.Audience), null);
            case "wrong-audience": return (_tokens.IssueFor(TestTokens.Issuer, "api://other-apis"), null);
            case "other-app": return (_tokens.Issue(app: TestTokens.OtherApp), null);
            case "other-platform": return (_tokens.Issue(platform: "play-integrity"), null);
            case "no-app-claim": return (_tokens.MintHs256(new Dictionary<string, object?> { ["app"] = null }), null);
            case "no-sub": return (_tokens.MintHs256(new Dictionary<string, object?> { ["sub"] = null }), null);
            case "no-jti": return (_tokens.MintHs256(new Dictionary<string, object?> { ["jti"] = null }), null);
            case "no-iat": return (_tokens.MintHs256(new Dictionary<string, object?> { ["iat"] = null }), null);
            case "no-exp": return (_tokens.MintHs256(new Dictionary<string, object?> { ["exp"] = null }), null);
            case "wrong-typ": return (_tokens.Mint(current, "HS256", typ: "at+jwt"), null);
            case "not-yet-valid": return (_tokens.MintHs256(new Dictionary<string, object?> { ["nbf"] = TestTokens.Now.AddSeconds(1).ToUnixTimeSeconds() }), null);
            case "expired":
                var token = _tokens.Issue();
                _clock.Advance(TimeSpan.FromMinutes(5));
                return (token, null);
            case "garbage": return ("garbage", null);
            case "two-dots": return ("a.b", null);
            case "bound-right": return (_tokens.Issue(binding: TestTokens.Pay("Bearer u")), "Bearer u");
            case "bound-wrong": return (_tokens.Issue(binding: TestTokens.Pay("Bearer u")), "Bearer v");
            case "unbound-but-required": return (_tokens.Issue(), "Bearer u");
            default: throw new ArgumentOutOfRangeException(nameof(shape));
        }
    }
}
