using Attestation.Core.Errors;
using Attestation.Core.Text;
using Attestation.Core.Tokens;

namespace Attestation.Core.Tests.Tokens;

public class TokenScopeTests
{
    private readonly TokenTestKit _kit = new();

    [Fact]
    public async Task ATokenOfTheAppTheCallerServesVerifies()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create("com.contoso.demo", null));

        Assert.True(check.IsValid);
    }

    [Fact]
    public async Task ATokenOfAnotherAppIsWrongApp()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create("com.contoso.strict", null));

        Assert.Equal(TokenRefusal.WrongApp, check.Refusal);
    }

    [Fact]
    public async Task AppIdsAreComparedExactlyNotIgnoringCase()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create("com.contoso.Demo", null));

        Assert.Equal(TokenRefusal.WrongApp, check.Refusal);
    }

    [Fact]
    public async Task ATokenOfAPlatformInTheListVerifies()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create("com.contoso.demo", ["apple-app-attest", "debug"]));

        Assert.True(check.IsValid);
    }

    [Fact]
    public async Task ATokenOfAPlatformOutsideTheListIsWrongPlatform()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create(null, ["apple-app-attest", "play-integrity"]));

        Assert.Equal(TokenRefusal.WrongPlatform, check.Refusal);
    }

    [Fact]
    public async Task TheAppIsRefusedBeforeThePlatform()
    {
        var check = await ValidateAsync(_kit.IssueWith(TokenTestKit.V3), TokenScope.Create("com.contoso.strict", ["play-integrity"]));

        Assert.Equal(TokenRefusal.WrongApp, check.Refusal);
    }

    [Fact]
    public async Task TheAppIsRefusedBeforeTheBinding()
    {
        var token = _kit.IssueWith(TokenTestKit.V3, Base64Flexible.Sha256Base64Url("Bearer a"));

        var check = await _kit.Validator.ValidateAsync(token, TokenTestKit.Keys, "Bearer b", TokenScope.Create("com.contoso.strict", null));

        Assert.Equal(TokenRefusal.WrongApp, check.Refusal);
    }

    [Fact]
    public async Task AnExpiredTokenOfAnotherAppIsStillExpired()
    {
        var token = _kit.IssueWith(TokenTestKit.V3);
        _kit.Clock.Advance(TimeSpan.FromHours(1));

        var check = await ValidateAsync(token, TokenScope.Create("com.contoso.strict", null));

        Assert.Equal(TokenRefusal.Expired, check.Refusal);
    }

    [Fact]
    public async Task AForgedTokenIsABadSignatureWhateverTheScope()
    {
        var forged = _kit.IssueWith(new SigningKey("v3", Enumerable.Repeat((byte)9, 32).ToArray()));

        var check = await ValidateAsync(forged, TokenScope.Create("com.contoso.strict", ["play-integrity"]));

        Assert.Equal(TokenRefusal.BadSignature, check.Refusal);
    }

    [Fact]
    public async Task TheScopeIsCheckedOnAMemoHitToo()
    {
        var token = _kit.IssueWith(TokenTestKit.V3);
        Assert.True((await ValidateAsync(token, TokenScope.Any)).IsValid);

        var check = await ValidateAsync(token, TokenScope.Create("com.contoso.strict", null));

        Assert.Equal(TokenRefusal.WrongApp, check.Refusal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("com contoso")]
    [InlineData("com.contoso.demo\r\nforged")]
    public void AMalformedAppIdIsAnInvalidRequest(string appId)
    {
        var refusal = Assert.Throws<AttestationException>(() => TokenScope.Create(appId, null));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public void TheCallersTextIsNotEchoedInTheDetail()
    {
        var app = Assert.Throws<AttestationException>(() => TokenScope.Create("demo\r\nforged-app", null));
        var platform = Assert.Throws<AttestationException>(() => TokenScope.Create(null, ["debug\r\nforged-platform"]));

        Assert.DoesNotContain("forged", app.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", platform.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAppIdOfMoreThan128CharactersIsAnInvalidRequest()
    {
        var refusal = Assert.Throws<AttestationException>(() => TokenScope.Create(new string('a', 129), null));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Theory]
    [InlineData("ios")]
    [InlineData("Debug")]
    [InlineData("")]
    [InlineData(null)]
    public void AnUnknownPlatformIsAnInvalidRequest(string? platform)
    {
        var refusal = Assert.Throws<AttestationException>(() => TokenScope.Create(null, ["debug", platform]));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public void AnEmptyPlatformListIsAnInvalidRequestBecauseItWouldAcceptNothing()
    {
        var refusal = Assert.Throws<AttestationException>(() => TokenScope.Create("com.contoso.demo", []));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public void NoAppAndNoPlatformsIsTheScopeThatAcceptsEverything()
    {
        Assert.Same(TokenScope.Any, TokenScope.Create(null, null));
    }

    private Task<TokenCheck> ValidateAsync(string token, TokenScope scope) => _kit.Validator.ValidateAsync(token, TokenTestKit.Keys, null, scope);
}
