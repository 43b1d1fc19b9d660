using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Attestation.AspNetCore;

/// <summary>
/// How an API checks attestation tokens. Set <see cref="Issuer"/>, <see cref="Audience"/>, <see cref="AppIds"/> and exactly
/// one key source: <see cref="JwksUri"/> (ES256), <see cref="KeyVaultUri"/> (HS256, the backend's own secret) or
/// <see cref="SigningKeys"/> (HS256 from configuration, for the local run).
/// </summary>
public sealed class AttestationTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>The request header that carries the token, without a scheme. Default <c>Attestation-Token</c>.</summary>
    public string HeaderName { get; set; } = AttestationTokenDefaults.HeaderName;

    /// <summary>The only <c>iss</c> accepted: the backend's <c>Attestation:Token:Issuer</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The only <c>aud</c> accepted: the backend's <c>Attestation:Token:Audience</c>.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Clock skew for <c>nbf</c> and <c>exp</c>, at most 5 minutes; zero by default, as the backend issues whole seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The apps this API serves (the token's <c>app</c>); at least one. Every app of a deployment shares the issuer, the
    /// audience and the keys, so without this list a token of a lenient app would pass this API.
    /// </summary>
    public IList<string> AppIds { get; } = [];

    /// <summary>The platforms this API accepts (the token's <c>plat</c>); empty accepts every platform.</summary>
    public IList<string> Platforms { get; } = [];

    /// <summary>
    /// False: a request whose token would be refused goes through anyway, without the app, device and platform claims; the
    /// refusal is logged and counted (<c>outcome</c> = <c>would_refuse</c>). For rolling the check out. Default true.
    /// </summary>
    public bool Enforce { get; set; } = true;

    /// <summary>
    /// True: a token without <c>pay</c> is refused (<c>binding_mismatch</c>). False (default): a token with <c>pay</c> must
    /// match <see cref="BoundValue"/>, one without passes.
    /// </summary>
    public bool RequireBinding { get; set; }

    /// <summary>The raw value a token's <c>pay</c> is checked against; by default the request's <c>Authorization</c> header.</summary>
    public Func<HttpRequest, string?> BoundValue { get; set; } = AuthorizationHeader;

    /// <summary>
    /// True: after the local checks pass, the token is consumed through the backend's verify (<c>consume: true</c>), so it
    /// is accepted once only. Needs <see cref="AttestationTokenExtensions.AddAttestationVerifyClient"/>.
    /// </summary>
    public bool ConsumeThroughVerify { get; set; }

    /// <summary>ES256: the backend's JWKS, e.g. <c>https://host/api/.well-known/jwks.json</c>.</summary>
    public Uri? JwksUri { get; set; }

    /// <summary>The handler the JWKS is fetched with (tests, proxies); null uses a default one.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>How long one JWKS fetch may take. Default 10 seconds.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>HS256: the Key Vault that holds the backend's signing secret; read with <see cref="Credential"/>.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>HS256: the signing secret's name in <see cref="KeyVaultUri"/>. Default <c>token-signing-key</c>.</summary>
    public string SecretName { get; set; } = AttestationTokenDefaults.SecretName;

    /// <summary>The identity Key Vault is read with; null uses <c>DefaultAzureCredential</c> (a managed identity in Azure).</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>A ready Key Vault client, instead of <see cref="KeyVaultUri"/> and <see cref="Credential"/> (tests, custom pipelines).</summary>
    public SecretClient? SecretClient { get; set; }

    /// <summary>HS256 keys given directly: the local run's development key. Never a production secret in a settings file.</summary>
    public IList<AttestationSigningKey> SigningKeys { get; } = [];

    /// <summary>How often the keys are read again from Key Vault or the JWKS. Default 5 minutes.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The least time between two reloads caused by a token whose <c>kid</c> the cached keys lack (a rotation this instance
    /// has not seen yet). The <c>kid</c> comes from the caller, so this bounds how often callers can make the API fetch keys.
    /// Default 5 seconds.
    /// </summary>
    public TimeSpan UnknownKeyRefreshSpacing { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the last keys read stay in use while Key Vault or the JWKS cannot be read. Past it every token is refused
    /// with 503 <c>unavailable</c>, and the log says why. Default 6 hours.
    /// </summary>
    public TimeSpan KeyMaxStaleness { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The signature algorithm these options select: ES256 with a JWKS, else HS256.</summary>
    internal string Algorithm => JwksUri is not null ? "ES256" : "HS256";

    private static string? AuthorizationHeader(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        return values.Count == 1 ? values[0] : null;
    }
}
