using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// Signs docs/api.md's token: HS256 or ES256 as the key set holds, <c>kid</c> = the key version, claims iss, aud, sub, app, plat, iat, nbf, exp, jti and
/// (only when bound) pay. Times are whole seconds: some JWT parsers reject fractional ones (docs/quirks.md).
/// </summary>
public sealed class TokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly IOptions<TokenOptions> _options;
    private readonly TimeProvider _timeProvider;

    // The decoy keys live only in this process's memory and are never published: nobody can verify what they sign.
    private readonly byte[] _decoySecret = RandomNumberGenerator.GetBytes(SigningKey.MinimumLength);
    private readonly Lazy<ECDsaSecurityKey> _decoyEcKey = new(() => new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)));

    public TokenIssuer(IOptions<TokenOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>A token signed with the current signing key.</summary>
    public IssuedToken Issue(SigningKeySet keys, TokenSubject subject)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Sign(new SigningCredentials(keys.Current.SecurityKey, keys.Current.SecurityAlgorithm), subject);
    }

    /// <summary>
    /// A token of exactly the same shape, including the current <c>kid</c>, signed with a key no verifier trusts (docs/api.md,
    /// decoy failure mode).
    /// </summary>
    public IssuedToken IssueDecoy(SigningKeySet keys, TokenSubject subject)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var current = keys.Current;
        SecurityKey decoy = current.Algorithm == TokenAlgorithm.ES256
            ? new ECDsaSecurityKey(_decoyEcKey.Value.ECDsa) { KeyId = current.Version }
            : new SymmetricSecurityKey(_decoySecret) { KeyId = current.Version };
        return Sign(new SigningCredentials(decoy, current.SecurityAlgorithm), subject);
    }

    private IssuedToken Sign(SigningCredentials credentials, TokenSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var options = _options.Value;
        var now = DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + options.Lifetime;

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = subject.DeviceId,
            [TokenClaims.App] = subject.AppId,
            [TokenClaims.Platform] = subject.Platform,
            [JwtRegisteredClaimNames.Jti] = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(16)),
        };
        if (subject.Binding is not null)
        {
            claims[TokenClaims.Binding] = subject.Binding;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
            TokenType = "JWT",
        };

        return new IssuedToken(_handler.CreateToken(descriptor), expires, subject.DeviceId);
    }
}
