using System.Security.Cryptography;
using System.Text;
using Attestation.AspNetCore.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore;

/// <summary>
/// The checks of the backend's verify (Attestation.Core's TokenValidator), one by one: one algorithm (HS256 or ES256, as
/// the key source says), <c>typ</c> JWT, a <c>kid</c> naming a loaded key, issuer, audience, <c>exp</c> required and
/// lifetime with the configured skew, the claims sub, app, plat, jti and iat, the app and platform lists, and the binding.
/// The tests run this and Core's TokenValidator over the same tokens.
/// </summary>
internal sealed class AttestationTokenValidator
{
    /// <summary>The backend's tokens are well under 1 KiB; anything much larger is refused before it is parsed.</summary>
    internal const int MaxTokenLength = 8 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaxTokenLength };
    private readonly AttestationTokenOptions _options;
    private readonly IAttestationKeySource _keys;
    private readonly TimeProvider _timeProvider;
    private (AttestationKeySet Keys, TokenValidationParameters Parameters)? _latest;

    public AttestationTokenValidator(AttestationTokenOptions options, IAttestationKeySource keys, TimeProvider timeProvider)
    {
        _options = options;
        _keys = keys;
        _timeProvider = timeProvider;
    }

    /// <summary>Checks <paramref name="token"/>; <paramref name="boundValue"/> is the raw value its <c>pay</c> must hash to.</summary>
    /// <exception cref="AttestationKeysUnavailableException">The keys cannot be read.</exception>
    public async Task<AttestationTokenResult> ValidateAsync(string? token, string? boundValue, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.Missing);
        }

        if (token.Length > MaxTokenLength || !_handler.CanReadToken(token))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.Malformed);
        }

        string kid;
        try
        {
            kid = new JsonWebToken(token).Kid ?? "";
        }
        catch (ArgumentException)
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.Malformed);
        }

        var keys = kid.Length == 0
            ? await _keys.GetAsync(cancellationToken).ConfigureAwait(false)
            : await _keys.GetIncludingAsync(kid, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, ParametersFor(keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return AttestationTokenResult.Refused(Classify(result.Exception));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || string.IsNullOrEmpty(sub)
            || !jwt.TryGetPayloadValue<string>(AttestationTokenClaimTypes.App, out var app) || string.IsNullOrEmpty(app)
            || !jwt.TryGetPayloadValue<string>(AttestationTokenClaimTypes.Platform, out var platform) || string.IsNullOrEmpty(platform)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti)
            || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.Malformed);
        }

        // The app and platform are claims like the issuer and audience, so they are refused before the binding is looked at.
        if (!_options.AppIds.Contains(app, StringComparer.Ordinal))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.WrongApp);
        }

        if (_options.Platforms.Count > 0 && !_options.Platforms.Contains(platform, StringComparer.Ordinal))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.WrongPlatform);
        }

        jwt.TryGetPayloadValue<string>("pay", out var pay);
        if ((pay is not null || _options.RequireBinding) && !BindingMatches(pay, boundValue))
        {
            return AttestationTokenResult.Refused(AttestationTokenRefusals.BindingMismatch);
        }

        return AttestationTokenResult.Valid(app, sub, platform, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    private TokenValidationParameters ParametersFor(AttestationKeySet keys)
    {
        var latest = _latest;
        if (latest is { } cached && ReferenceEquals(cached.Keys, keys))
        {
            return cached.Parameters;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            ValidAlgorithms = [keys.Algorithm],
            ValidTypes = ["JWT"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            ClockSkew = _options.ClockSkew,

            // Only a kid that names a loaded key finds one; any other kid, or none, finds nothing (no key guessing).
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.Find(kid) is { } key ? [key] : [],

            // Lifetime is judged at the injected clock, as the backend does, so tests can pin the instant.
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires),
        };
        _latest = (keys, parameters);
        return parameters;
    }

    private bool CheckLifetime(DateTime? notBefore, DateTime? expires)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var skew = _options.ClockSkew;
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

    private static string Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => AttestationTokenRefusals.Expired,
        SecurityTokenNotYetValidException => AttestationTokenRefusals.NotYetValid,
        SecurityTokenInvalidIssuerException => AttestationTokenRefusals.WrongIssuer,
        SecurityTokenInvalidAudienceException => AttestationTokenRefusals.WrongAudience,
        SecurityTokenInvalidSignatureException
            or SecurityTokenSignatureKeyNotFoundException
            or SecurityTokenInvalidAlgorithmException
            or SecurityTokenInvalidSigningKeyException => AttestationTokenRefusals.BadSignature,
        _ => AttestationTokenRefusals.Malformed,
    };

    /// <summary>docs/api.md: <c>pay</c> = base64url(SHA-256(UTF-8 bytes of the bound value)), compared in constant time.</summary>
    private static bool BindingMatches(string? pay, string? boundValue)
    {
        if (pay is null || boundValue is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(boundValue))));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(pay));
    }
}
