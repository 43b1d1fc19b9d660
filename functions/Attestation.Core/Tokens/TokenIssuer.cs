using System.Security.Cryptography;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>
/// Signs docs/api.md's token: HS256, <c>kid</c> = the key version, claims iss, aud, sub, app, plat, iat, nbf, exp, jti and
/// (only when bound) pay. Times are whole seconds: some JWT parsers reject fractional ones (docs/quirks.md).
/// </summary>
public sealed class TokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly IOptions<TokenOptions> _options;
    private readonly TimeProvider _timeProvider;

    // The decoy key lives only in this process's memory and is never published: nobody can verify what it signs.
    private readonly byte[] _decoySecret = RandomNumberGenerator.GetBytes(SigningKey.MinimumLength);

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
        return Sign(keys.Current.SecurityKey, subject);
    }

    /// <summary>
    /// A token of exactly the same shape, including the current <c>kid</c>, signed with a key no verifier trusts (docs/api.md,
    /// decoy failure mode).
    /// </summary>
    public IssuedToken IssueDecoy(SigningKeySet keys, TokenSubject subject)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Sign(new SymmetricSecurityKey(_decoySecret) { KeyId = keys.Current.Version }, subject);
    }

    private IssuedToken Sign(SymmetricSecurityKey key, TokenSubject subject)
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
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            TokenType = "JWT",
        };

        return new IssuedToken(_handler.CreateToken(descriptor), expires, subject.DeviceId);
    }
}
