using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// Checks docs/api.md's token: the deployment's one algorithm only (<see cref="TokenOptions.Algorithm"/>; never <c>none</c>,
/// never the other one), <c>kid</c> naming the current or previous key version and nothing else, issuer,
/// audience, lifetime at the injected clock, and the optional binding.
/// </summary>
/// <remarks>
/// Verify is called for every request of an API, often with the same token, so the work that does not change between
/// calls is done once: one <see cref="TokenValidationParameters"/> per key set, and a bounded memo of the exact token
/// strings whose signature, header and claims passed with that key set. A memo hit still checks the lifetime at the
/// current instant and the binding, every time; a new key set (a rotation, a reload) starts an empty memo, so a key that
/// left the set verifies nothing.
/// </remarks>
public sealed class TokenValidator
{
    /// <summary>How many validated token strings are remembered per key set; the memo starts over when full.</summary>
    public const int MaxRemembered = 10_000;

    private readonly JsonWebTokenHandler _handler = new();
    private readonly IOptions<TokenOptions> _options;
    private readonly TimeProvider _timeProvider;
    private KeySetValidation? _latest;

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
        TokenRefusal.WrongApp => "wrong_app",
        TokenRefusal.WrongPlatform => "wrong_platform",
        TokenRefusal.BindingMismatch => "binding_mismatch",
        TokenRefusal.AlreadyConsumed => "already_consumed",
        TokenRefusal.DeviceRevoked => "device_revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    /// <summary>
    /// Validates <paramref name="token"/>. When <paramref name="scope"/> is given, the token's app and platform must be in it.
    /// When <paramref name="boundValue"/> is given (the raw value the caller bound, e.g. an Authorization header), the token
    /// must carry <c>pay</c> = base64url(SHA-256(it)).
    /// </summary>
    public async Task<TokenCheck> ValidateAsync(string token, SigningKeySet keys, string? boundValue = null, TokenScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        scope ??= TokenScope.Any;
        if (string.IsNullOrWhiteSpace(token))
        {
            return TokenCheck.Refused(TokenRefusal.Malformed);
        }

        var validation = ValidationFor(keys);
        if (validation.TryRecall(token, out var remembered))
        {
            return Finish(remembered.Token, remembered.NotBefore, boundValue, scope);
        }

        if (!_handler.CanReadToken(token))
        {
            return TokenCheck.Refused(TokenRefusal.Malformed);
        }

        var result = await _handler.ValidateTokenAsync(token, validation.Parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            var refusal = Classify(result.Exception);
            return new TokenCheck(null, refusal, refusal == TokenRefusal.BadSignature ? UnknownKeyIdOf(token, keys) : null);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!TryReadClaims(jwt, out var verified))
        {
            return TokenCheck.Refused(TokenRefusal.Malformed);
        }

        DateTime? notBefore = jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) ? jwt.ValidFrom : null;
        validation.Remember(token, new RememberedToken(verified, notBefore));
        return Finish(verified, notBefore, boundValue, scope);
    }

    private TokenCheck Finish(VerifiedToken verified, DateTime? notBefore, string? boundValue, TokenScope scope)
    {
        // Checked on every call, memo or not: the memo proves the signature and claims, never that the token is still live.
        var skew = _options.Value.ClockSkew;
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (notBefore is not null && now + skew < notBefore.Value)
        {
            return TokenCheck.Refused(TokenRefusal.NotYetValid);
        }

        if (now - skew >= verified.ExpiresAt.UtcDateTime)
        {
            return TokenCheck.Refused(TokenRefusal.Expired);
        }

        // The app and platform are claims like the issuer and audience, so they are refused before the binding is looked at.
        if (scope.Refuse(verified) is { } outside)
        {
            return TokenCheck.Refused(outside);
        }

        if (boundValue is not null && !BindingMatches(verified.Binding, boundValue))
        {
            return TokenCheck.Refused(TokenRefusal.BindingMismatch);
        }

        return new TokenCheck(verified, null);
    }

    private KeySetValidation ValidationFor(SigningKeySet keys)
    {
        var latest = Volatile.Read(ref _latest);
        if (latest is not null && ReferenceEquals(latest.Keys, keys))
        {
            return latest;
        }

        var created = new KeySetValidation(keys, CreateParameters(keys));
        Volatile.Write(ref _latest, created);
        return created;
    }

    private TokenValidationParameters CreateParameters(SigningKeySet keys)
    {
        var options = _options.Value;

        // The algorithm is pinned to the deployment's, not taken from the keys or the token header: keys of the other
        // algorithm (a misconfigured vault) then verify nothing, rather than widening what is accepted.
        var algorithm = options.Algorithm == TokenAlgorithm.ES256 ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.HmacSha256;
        if (keys.Algorithm != options.Algorithm)
        {
            return NothingVerifies(options, algorithm);
        }

        SecurityKey[] current = [keys.Current.SecurityKey];
        SecurityKey[] previous = keys.Previous is { } key ? [key.SecurityKey] : [];
        return new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = [algorithm],
            ValidTypes = ["JWT"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            ClockSkew = options.ClockSkew,

            // Only a kid that names the current or previous version finds a key; any other kid, or none, finds nothing.
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.Find(kid) switch
            {
                null => [],
                var found when ReferenceEquals(found, keys.Current) => current,
                _ => previous,
            },

            // Lifetime is judged at the injected clock, so tests (and vectors) can pin the instant.
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, options.ClockSkew),
        };
    }

    private TokenValidationParameters NothingVerifies(TokenOptions options, string algorithm) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        ValidAlgorithms = [algorithm],
        RequireSignedTokens = true,
        TryAllIssuerSigningKeys = false,
        IssuerSigningKeyResolver = (_, _, _, _) => [],
        LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, options.ClockSkew),
    };

    /// <summary>The token's <c>kid</c> when no loaded key has it (a rotation this instance may have missed), else null.</summary>
    private static string? UnknownKeyIdOf(string token, SigningKeySet keys)
    {
        try
        {
            var kid = new JsonWebToken(token).Kid;
            return string.IsNullOrEmpty(kid) || keys.Find(kid) is not null ? null : kid;
        }
        catch (ArgumentException)
        {
            return null;
        }
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

    /// <summary>What a validation proved once, for a token string: its claims and its <c>nbf</c>.</summary>
    private sealed record RememberedToken(VerifiedToken Token, DateTime? NotBefore);

    /// <summary>The parameters and the memo of one key set.</summary>
    private sealed class KeySetValidation(SigningKeySet keys, TokenValidationParameters parameters)
    {
        private readonly ConcurrentDictionary<string, RememberedToken> _validated = new(StringComparer.Ordinal);
        private int _count;

        public SigningKeySet Keys { get; } = keys;

        public TokenValidationParameters Parameters { get; } = parameters;

        public bool TryRecall(string token, [NotNullWhen(true)] out RememberedToken? remembered) =>
            _validated.TryGetValue(token, out remembered);

        public void Remember(string token, RememberedToken remembered)
        {
            // Only tokens this backend signed get here, so the memo grows with real traffic only; when full it starts over
            // (the expired entries go with it) rather than tracking ages on the hot path.
            if (Interlocked.Increment(ref _count) > MaxRemembered)
            {
                _validated.Clear();
                Interlocked.Exchange(ref _count, 1);
            }

            _validated.TryAdd(token, remembered);
        }
    }
}
