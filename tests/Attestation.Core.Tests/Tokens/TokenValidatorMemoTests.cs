using Attestation.Core.Text;
using Attestation.Core.Tokens;

namespace Attestation.Core.Tests.Tokens;

/// <summary>
/// The validator remembers token strings that passed with a key set; what it must still check on every call (lifetime at
/// the current instant, binding) and what starts over (another key set).
/// </summary>
public class TokenValidatorMemoTests
{
    private readonly TokenTestKit _kit = new();

    [Fact]
    public async Task ATokenThatPassedIsExpiredOnceItsExpiryPassesAndValidJustBefore()
    {
        var token = _kit.IssueWith(TokenTestKit.V3);
        Assert.True((await _kit.ValidateAsync(token)).IsValid);

        _kit.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.True((await _kit.ValidateAsync(token)).IsValid);
        _kit.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TokenRefusal.Expired, (await _kit.ValidateAsync(token)).Refusal);
    }

    [Fact]
    public async Task ATokenThatPassedWithItsBindingIsABindingMismatchForAnotherValue()
    {
        var token = _kit.IssueWith(TokenTestKit.V3, Base64Flexible.Sha256Base64Url("Bearer session-1"));
        Assert.True((await _kit.ValidateAsync(token, "Bearer session-1")).IsValid);

        Assert.Equal(TokenRefusal.BindingMismatch, (await _kit.ValidateAsync(token, "Bearer session-2")).Refusal);
        Assert.True((await _kit.ValidateAsync(token, "Bearer session-1")).IsValid);
    }

    [Fact]
    public async Task ATokenThatPassedWithOneKeySetIsABadSignatureWithASetThatLacksItsKey()
    {
        var token = _kit.IssueWith(TokenTestKit.V2);
        Assert.True((await _kit.ValidateAsync(token)).IsValid);

        var rotatedTwice = await _kit.Validator.ValidateAsync(token, new SigningKeySet(TokenTestKit.V1, null));

        Assert.Equal(TokenRefusal.BadSignature, rotatedTwice.Refusal);
        Assert.Equal("v2", rotatedTwice.UnknownKeyId);
    }

    [Fact]
    public async Task AnAlteredCopyOfATokenThatPassedIsStillRefused()
    {
        var token = _kit.IssueWith(TokenTestKit.V3);
        Assert.True((await _kit.ValidateAsync(token)).IsValid);
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        Assert.Equal(TokenRefusal.BadSignature, (await _kit.ValidateAsync(altered)).Refusal);
    }

    [Fact]
    public async Task MoreTokensThanTheMemoHoldsAllStillValidate()
    {
        var tokens = Enumerable.Range(0, TokenValidator.MaxRemembered + 10).Select(_ => _kit.IssueWith(TokenTestKit.V3)).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await _kit.ValidateAsync(token)).IsValid);
        }

        Assert.True((await _kit.ValidateAsync(tokens[0])).IsValid);
    }
}
