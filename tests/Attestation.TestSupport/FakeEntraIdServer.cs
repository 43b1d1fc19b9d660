using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.TestSupport;

/// <summary>
/// A FAKE Entra ID: a local HTTPS server that publishes OpenID Connect discovery documents and a signing key set the way
/// <c>login.microsoftonline.com/{tenant}/v2.0</c> and <c>login.microsoftonline.com/{tenant}</c> (v1.0) do, and mints access
/// tokens of either version signed with its own RSA key. An app registration left at its default
/// (<c>api.requestedAccessTokenVersion</c> null) is issued v1.0 tokens: issuer <c>https://sts.windows.net/{tenant}/</c>,
/// audience the Application ID URI, <c>appid</c> instead of <c>azp</c>. Tests
/// point <c>AzureAd:Instance</c> at it, so the backend validates tokens with Microsoft.Identity.Web exactly as it would
/// against Entra ID, without reaching it. It can also mint what Entra ID never would (another tenant, a lapsed token).
/// </summary>
public sealed class FakeEntraIdServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly RsaSecurityKey _securityKey;

    private FakeEntraIdServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
        _securityKey = new RsaSecurityKey(_signingKey) { KeyId = "fake-entra-key-1" };
    }

    /// <summary>The server's self-signed certificate; a client trusts exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The value for <c>AzureAd:Instance</c>, e.g. <c>https://localhost:12345/</c>.</summary>
    public Uri Instance { get; private set; } = null!;

    /// <summary>How many requests reached the server (discovery and key set).</summary>
    public int RequestsSeen => Volatile.Read(ref _requestsSeen);

    private int _requestsSeen;

    public static async Task<FakeEntraIdServer> StartAsync()
    {
        var certificate = LocalhostCertificate.Create();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeEntraIdServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Instance = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>The issuer Entra ID writes into v2.0 tokens of <paramref name="tenantId"/> (and into its discovery document).</summary>
    public string IssuerFor(string tenantId) => $"{Instance}{tenantId}/v2.0";

    /// <summary>
    /// The issuer Entra ID writes into v1.0 tokens of <paramref name="tenantId"/>, in every cloud of the public instance:
    /// the security token service's own host, not the login host.
    /// </summary>
    public static string V1IssuerFor(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    /// <summary>An HttpClientHandler that trusts this server's certificate only.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData),
    };

    /// <summary>
    /// A v2.0 access token as Entra ID issues to a client application (client credentials) holding <paramref name="roles"/>.
    /// </summary>
    public string CreateAccessToken(
        string tenantId,
        string audience,
        IEnumerable<string> roles,
        DateTimeOffset? expires = null,
        DateTimeOffset? issuedAt = null,
        bool signWithUnknownKey = false,
        int version = 2)
    {
        if (version is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Entra ID issues access tokens of version 1.0 or 2.0.");
        }

        ArgumentNullException.ThrowIfNull(roles);
        var iat = issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var exp = expires ?? iat.AddHours(1);
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenantId,
            ["oid"] = "11111111-2222-3333-4444-555555555555",
            ["sub"] = "11111111-2222-3333-4444-555555555555",
            [version == 1 ? "appid" : "azp"] = "66666666-7777-8888-9999-000000000000",
            ["ver"] = version == 1 ? "1.0" : "2.0",
        };
        var roleList = roles.ToArray();
        if (roleList.Length > 0)
        {
            claims["roles"] = roleList;
        }

        using var otherKey = signWithUnknownKey ? RSA.Create(2048) : null;
        SecurityKey key = otherKey is null ? _securityKey : new RsaSecurityKey(otherKey) { KeyId = _securityKey.KeyId };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = version == 1 ? V1IssuerFor(tenantId) : IssuerFor(tenantId),
            Audience = audience,
            IssuedAt = iat.UtcDateTime,
            NotBefore = iat.UtcDateTime,
            Expires = exp.UtcDateTime,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
        _signingKey.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestsSeen);
        var path = context.Request.Path.Value ?? "";

        // /{tenant}/v2.0/.well-known/openid-configuration: the discovery document of that tenant.
        if (path.EndsWith("/v2.0/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            var tenant = path.Trim('/').Split('/')[0];
            await WriteJsonAsync(context, new Dictionary<string, object>
            {
                ["issuer"] = IssuerFor(tenant),
                ["authorization_endpoint"] = $"{Instance}{tenant}/oauth2/v2.0/authorize",
                ["token_endpoint"] = $"{Instance}{tenant}/oauth2/v2.0/token",
                ["jwks_uri"] = $"{Instance}{tenant}/discovery/v2.0/keys",
                ["response_types_supported"] = new[] { "code", "id_token", "token" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["tenant_region_scope"] = "EU",
            });
            return;
        }

        // /{tenant}/.well-known/openid-configuration: the v1.0 discovery document, whose issuer is the v1.0 tokens'.
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            var tenant = path.Trim('/').Split('/')[0];
            await WriteJsonAsync(context, new Dictionary<string, object>
            {
                ["issuer"] = V1IssuerFor(tenant),
                ["authorization_endpoint"] = $"{Instance}{tenant}/oauth2/authorize",
                ["token_endpoint"] = $"{Instance}{tenant}/oauth2/token",
                ["jwks_uri"] = $"{Instance}common/discovery/keys",
                ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "token id_token", "token" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["tenant_region_scope"] = "EU",
            });
            return;
        }

        // /{tenant}/discovery/v2.0/keys and /common/discovery/keys (v1.0): the signing keys, the same for both versions.
        if (path.EndsWith("/discovery/v2.0/keys", StringComparison.Ordinal) || path.EndsWith("/discovery/keys", StringComparison.Ordinal))
        {
            var parameters = _signingKey.ExportParameters(includePrivateParameters: false);
            await WriteJsonAsync(context, new
            {
                keys = new[]
                {
                    new
                    {
                        kty = "RSA",
                        use = "sig",
                        kid = _securityKey.KeyId,
                        n = Base64UrlEncoder.Encode(parameters.Modulus),
                        e = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task WriteJsonAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
