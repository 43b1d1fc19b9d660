using System.Globalization;
using System.Xml.Linq;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>
/// A <c>validate-jwt</c> element read into the equivalent <see cref="TokenValidationParameters"/>, following the policy
/// reference: keys are base64 (<c>Convert.FromBase64String</c>) and each is tried in turn; issuers, audiences and the
/// expiry are checked with the given clock skew in seconds; required claims must be present (and match their values,
/// if any). An attribute or element this port does not know makes reading fail, so the port cannot silently fall behind
/// the policy file.
/// </summary>
public sealed class ValidateJwtPolicy
{
    private static readonly HashSet<string> KnownAttributes = new(StringComparer.Ordinal)
    {
        "id", "header-name", "failed-validation-httpcode", "failed-validation-error-message", "require-expiration-time",
        "require-signed-tokens", "clock-skew", "output-token-variable-name",
    };

    private static readonly HashSet<string> KnownElements = new(StringComparer.Ordinal)
    {
        "issuer-signing-keys", "audiences", "issuers", "required-claims",
    };

    private readonly JsonWebTokenHandler _handler = new();

    private ValidateJwtPolicy(XElement element)
    {
        foreach (var attribute in element.Attributes())
        {
            if (!KnownAttributes.Contains(attribute.Name.LocalName))
            {
                throw new NotSupportedException($"validate-jwt attribute '{attribute.Name}' is not ported.");
            }
        }

        foreach (var child in element.Elements())
        {
            if (!KnownElements.Contains(child.Name.LocalName))
            {
                throw new NotSupportedException($"validate-jwt element '{child.Name}' is not ported.");
            }
        }

        Id = (string?)element.Attribute("id");
        HeaderName = (string?)element.Attribute("header-name") ?? throw new NotSupportedException("Only header-name is ported.");
        FailedStatusCode = (int?)element.Attribute("failed-validation-httpcode") ?? 401;
        RequireExpirationTime = (bool?)element.Attribute("require-expiration-time") ?? true;
        RequireSignedTokens = (bool?)element.Attribute("require-signed-tokens") ?? true;
        ClockSkew = TimeSpan.FromSeconds(int.Parse((string?)element.Attribute("clock-skew") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture));
        OutputVariable = (string?)element.Attribute("output-token-variable-name");
        SigningKeys = Values(element, "issuer-signing-keys", "key");
        Audiences = Values(element, "audiences", "audience");
        Issuers = Values(element, "issuers", "issuer");
        RequiredClaims = element.Element("required-claims")?.Elements("claim")
            .Select(c => new RequiredClaim(
                (string)c.Attribute("name")!,
                c.Elements("value").Select(v => v.Value).ToList(),
                (string?)c.Attribute("match") ?? "all",
                (string?)c.Attribute("separator")))
            .ToList() ?? [];
    }

    public string? Id { get; }

    public string HeaderName { get; }

    public int FailedStatusCode { get; }

    public bool RequireExpirationTime { get; }

    public bool RequireSignedTokens { get; }

    public TimeSpan ClockSkew { get; }

    public string? OutputVariable { get; }

    public IReadOnlyList<string> SigningKeys { get; }

    public IReadOnlyList<string> Audiences { get; }

    public IReadOnlyList<string> Issuers { get; }

    public IReadOnlyList<RequiredClaim> RequiredClaims { get; }

    /// <summary>Reads the one validate-jwt element inside <paramref name="policy"/> (a fragment or a whole policy).</summary>
    public static ValidateJwtPolicy Read(XElement policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new ValidateJwtPolicy(policy.DescendantsAndSelf("validate-jwt").Single());
    }

    /// <summary>The equivalent parameters, with the lifetime judged at <paramref name="now"/>.</summary>
    public TokenValidationParameters ToParameters(DateTimeOffset now) => new()
    {
        ValidIssuers = Issuers,
        ValidateIssuer = Issuers.Count > 0,
        ValidAudiences = Audiences,
        ValidateAudience = Audiences.Count > 0,
        IssuerSigningKeys = SigningKeys.Select(k => new SymmetricSecurityKey(Convert.FromBase64String(k))).ToList(),
        TryAllIssuerSigningKeys = true,
        ValidateIssuerSigningKey = false,
        RequireSignedTokens = RequireSignedTokens,
        RequireExpirationTime = RequireExpirationTime,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
        LifetimeValidator = (notBefore, expires, _, parameters) => CheckLifetime(notBefore, expires, now.UtcDateTime, parameters),
    };

    /// <summary>Runs the policy on a request's headers at <paramref name="now"/>.</summary>
    public async Task<ValidateJwtOutcome> EvaluateAsync(IReadOnlyDictionary<string, string[]> headers, DateTimeOffset now)
    {
        var request = new ApimRequest(headers);
        var token = request.Headers.GetValueOrDefault(HeaderName, "");
        if (token.Length == 0)
        {
            return new ValidateJwtOutcome(null, ValidateJwtFailure.TokenNotPresent);
        }

        var result = await _handler.ValidateTokenAsync(token, ToParameters(now));
        if (!result.IsValid)
        {
            return new ValidateJwtOutcome(null, Classify(result.Exception));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var claims = jwt.Claims.GroupBy(c => c.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Value).ToArray(), StringComparer.Ordinal);
        foreach (var required in RequiredClaims)
        {
            if (!claims.TryGetValue(required.Name, out var values))
            {
                return new ValidateJwtOutcome(null, ValidateJwtFailure.TokenClaimNotFound);
            }

            if (!required.Accepts(values))
            {
                return new ValidateJwtOutcome(null, ValidateJwtFailure.TokenClaimValueNotAllowed);
            }
        }

        claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var subject);
        return new ValidateJwtOutcome(new Jwt(subject?.FirstOrDefault(), jwt.Issuer, claims), null);
    }

    private static List<string> Values(XElement element, string list, string item) =>
        element.Element(list)?.Elements(item).Select(e => e.Value.Trim()).ToList() ?? [];

    // The semantics of Microsoft.IdentityModel's default lifetime check, at a pinned instant.
    private static bool CheckLifetime(DateTime? notBefore, DateTime? expires, DateTime now, TokenValidationParameters parameters)
    {
        if (expires is null)
        {
            if (parameters.RequireExpirationTime)
            {
                throw new SecurityTokenNoExpirationException("The token has no expiry.");
            }

            return true;
        }

        if (notBefore is not null && notBefore.Value > now + parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }

        if (expires.Value < now - parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static ValidateJwtFailure Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => ValidateJwtFailure.TokenExpired,
        SecurityTokenInvalidAudienceException => ValidateJwtFailure.TokenAudienceNotAllowed,
        SecurityTokenInvalidIssuerException => ValidateJwtFailure.TokenIssuerNotAllowed,
        SecurityTokenSignatureKeyNotFoundException => ValidateJwtFailure.TokenSignatureKeyNotFound,
        SecurityTokenInvalidSignatureException => ValidateJwtFailure.TokenSignatureInvalid,
        _ => ValidateJwtFailure.JwtInvalid,
    };
}
