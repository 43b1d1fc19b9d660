using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// Checks docs/api.md's token: HS256 only, <c>kid</c> naming the current or previous key version and nothing else, issuer,
/// audience, lifetime at the injected clock, and the optional binding.
/// </summary>
public sealed class TokenValidator
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly IOptions<TokenOptions> _options;
    private readonly TimeProvider _timeProvider;

    public TokenValidator(IOptions<TokenOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Wire names of <see cref="TokenRefusal"/>.</summary>
    public static string ToWireName(TokenRefusal refusal) => refusal switch
    {
        TokenRefusal.Malformed => "malformed",
        TokenRefusal.BadSignature => "bad_signature",
        TokenRefusal.Expired => "expired",
        TokenRefusal.NotYetValid => "not_yet_valid",
        TokenRefusal.WrongIssuer => "wrong_issuer",
        TokenRefusal.WrongAudience => "wrong_audience",
        TokenRefusal.BindingMismatch => "binding_mismatch",
        TokenRefusal.AlreadyConsumed => "already_consumed",
        TokenRefusal.DeviceRevoked => "device_revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    /// <summary>
    /// Validates <paramref name="token"/>. When <paramref name="boundValue"/> is given (the raw value the caller bound, e.g.
    /// an Authorization header), the token must carry <c>pay</c> = base64url(SHA-256(it)).
    /// </summary>
    public async Task<TokenCheck> ValidateAsync(string token, SigningKeySet keys, string? boundValue = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrWhiteSpace(token) || !_handler.CanReadToken(token))
        {
            return TokenCheck.Refused(TokenRefusal.Malformed);
        }

        var options = _options.Value;
        string? unknownKeyId = null;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = ["JWT"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            ClockSkew = options.ClockSkew,

            // Only a kid that names the current or previous version finds a key; any other kid, or none, finds nothing.
            IssuerSigningKeyResolver = (_, _, kid, _) =>
            {
                if (keys.Find(kid) is { } key)
                {
                    return [key.SecurityKey];
                }

                unknownKeyId = kid;
                return [];
            },

            // Lifetime is judged at the injected clock, so tests (and vectors) can pin the instant.
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, options.ClockSkew),
        };

        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new TokenCheck(null, Classify(result.Exception), unknownKeyId);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!TryReadClaims(jwt, out var verified))
        {
            return TokenCheck.Refused(TokenRefusal.Malformed);
        }

        if (boundValue is not null && !BindingMatches(verified.Binding, boundValue))
        {
            return TokenCheck.Refused(TokenRefusal.BindingMismatch);
        }

        return new TokenCheck(verified, null);
    }

    private bool CheckLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is not null && now + skew < notBefore.Value)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }

        if (now - skew >= expires.Value)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static TokenRefusal Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => TokenRefusal.Expired,
        SecurityTokenNotYetValidException => TokenRefusal.NotYetValid,
        SecurityTokenInvalidIssuerException => TokenRefusal.WrongIssuer,
        SecurityTokenInvalidAudienceException => TokenRefusal.WrongAudience,
        SecurityTokenInvalidSignatureException
            or SecurityTokenSignatureKeyNotFoundException
            or SecurityTokenInvalidAlgorithmException
            or SecurityTokenInvalidSigningKeyException => TokenRefusal.BadSignature,
        _ => TokenRefusal.Malformed,
    };

    private static bool TryReadClaims(JsonWebToken jwt, out VerifiedToken verified)
    {
        verified = null!;
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || string.IsNullOrEmpty(sub)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.App, out var app) || string.IsNullOrEmpty(app)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.Platform, out var platform) || string.IsNullOrEmpty(platform)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti)
            || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return false;
        }

        jwt.TryGetPayloadValue<string>(TokenClaims.Binding, out var pay);
        verified = new VerifiedToken(sub, app, platform, jti, DateTimeOffset.FromUnixTimeSeconds(iat), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), pay);
        return true;
    }

    private static bool BindingMatches(string? pay, string boundValue)
    {
        if (pay is null)
        {
            return false;
        }

        var expected = System.Text.Encoding.ASCII.GetBytes(Base64Flexible.Sha256Base64Url(boundValue));
        var actual = System.Text.Encoding.ASCII.GetBytes(pay);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
