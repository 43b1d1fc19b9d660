using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Tokens;

/// <summary>Section <c>Attestation:Token</c>: what goes into every token and how long it lives.</summary>
public sealed class TokenOptions
{
    public const string SectionName = "Attestation:Token";

    /// <summary>The <c>iss</c> claim, and the only issuer verification accepts.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Attestation:Token:Issuer is required.")]
    public string Issuer { get; set; } = "";

    /// <summary>The <c>aud</c> claim, and the only audience verification accepts.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Attestation:Token:Audience is required.")]
    public string Audience { get; set; } = "";

    /// <summary>Token lifetime: default 5 minutes, at most 1 hour (docs/api.md).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Attestation:Token:Lifetime must be between 1 second and 1 hour.")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How tokens are signed: <see cref="TokenAlgorithm.HS256"/> (the default) or <see cref="TokenAlgorithm.ES256"/>, and
    /// the only algorithm verification accepts.
    /// </summary>
    [EnumDataType(typeof(TokenAlgorithm), ErrorMessage = "Attestation:Token:Algorithm must be HS256 or ES256.")]
    public TokenAlgorithm Algorithm { get; set; } = TokenAlgorithm.HS256;

    /// <summary>
    /// ES256 mode: the <c>jwks_uri</c> the discovery document names. Empty: the JWKS route of the host that answered the
    /// discovery request. Set it when the backend sits behind a gateway whose address differs from the Function App's.
    /// </summary>
    public Uri? JwksUri { get; set; }

    /// <summary>Clock skew tolerated by verification; zero by default since the same backend issues and checks the token.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Attestation:Token:ClockSkew must be between 0 and 5 minutes.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;
}
