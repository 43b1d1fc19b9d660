using System.Security.Cryptography;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// Tokens of the backend's own issuer (Attestation.Core's <see cref="TokenIssuer"/>, the code that signs production tokens)
/// with the local run's settings, and the hand-made ones the issuer never makes (alg none, ES256, missing claims).
/// </summary>
internal sealed class TestTokens
{
    public const string Issuer = "https://attestation.local";
    public const string Audience = "api://contoso-apis";
    public const string DemoApp = "com.contoso.demo";
    public const string OtherApp = "com.contoso.decoy";
    public const string CurrentVersion = "v2";
    public const string PreviousVersion = "v1";
    public static readonly string CurrentSecret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    public static readonly string PreviousSecret = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TestTokens(FakeTimeProvider? clock = null)
    {
        Clock = clock ?? new FakeTimeProvider(Now);
        Options = Microsoft.Extensions.Options.Options.Create(new TokenOptions { Issuer = Issuer, Audience = Audience });
        Keys = new SigningKeySet(SigningKey.FromBase64(CurrentVersion, CurrentSecret)!, SigningKey.FromBase64(PreviousVersion, PreviousSecret)!);
        Signer = new TokenIssuer(Options, Clock);
    }

    public FakeTimeProvider Clock { get; }

    public IOptions<TokenOptions> Options { get; }

    public SigningKeySet Keys { get; }

    public TokenIssuer Signer { get; }

    /// <summary>A token the backend would issue now, signed with the current key.</summary>
    public string Issue(string app = DemoApp, string platform = "debug", string? binding = null, string device = "device-1") =>
        Signer.Issue(Keys, new TokenSubject(device, app, platform, binding)).Token;

    /// <summary>A token the backend issued with the key before the current one.</summary>
    public string IssueWithPrevious(string app = DemoApp) =>
        Signer.Issue(new SigningKeySet(Keys.Previous!, null), new TokenSubject("device-1", app, "debug", null)).Token;

    /// <summary>A decoy: the backend's shape and current kid, signed with a key no verifier holds (docs/api.md, decoy mode).</summary>
    public string IssueDecoy(string app = DemoApp) => Signer.IssueDecoy(Keys, new TokenSubject("device-1", app, "debug", null)).Token;

    /// <summary>A token of another deployment (another issuer or audience) signed with this deployment's current key.</summary>
    public string IssueFor(string issuer, string audience)
    {
        var other = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new TokenOptions { Issuer = issuer, Audience = audience }), Clock);
        return other.Issue(Keys, new TokenSubject("device-1", DemoApp, "debug", null)).Token;
    }

    /// <summary>The pay claim for <paramref name="value"/>: base64url(SHA-256(UTF-8)).</summary>
    public static string Pay(string value) => Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>A token signed with <paramref name="key"/> and <paramref name="algorithm"/>, with the claims given (null values left out).</summary>
    public string Mint(SecurityKey key, string algorithm, IDictionary<string, object?>? overrides = null, string? typ = "JWT")
    {
        var now = Clock.GetUtcNow();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "device-es",
            ["app"] = DemoApp,
            ["plat"] = "apple-app-attest",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, object?>())
        {
            if (value is null)
            {
                claims.Remove(name);
            }
            else
            {
                claims[name] = value;
            }
        }

        var descriptor = new SecurityTokenDescriptor { Claims = claims, SigningCredentials = new SigningCredentials(key, algorithm), TokenType = typ };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>An HS256 token with the current kid and the claims given: for shapes the issuer never makes.</summary>
    public string MintHs256(IDictionary<string, object?> overrides) =>
        Mint(new SymmetricSecurityKey(Convert.FromBase64String(CurrentSecret)) { KeyId = CurrentVersion }, SecurityAlgorithms.HmacSha256, overrides);

    /// <summary>An unsigned token (<c>alg: none</c>) with the current kid and a valid body.</summary>
    public string Unsigned()
    {
        var valid = Issue();
        var body = valid.Split('.')[1];
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{CurrentVersion}}"}""");
        return $"{header}.{body}.";
    }

    /// <summary>A new P-256 key with <paramref name="kid"/>, as the backend's ES256 mode holds one.</summary>
    public static ECDsaSecurityKey NewEs256Key(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    /// <summary>The JWKS entry of <paramref name="key"/>'s public part, as docs/api.md describes it.</summary>
    public static Dictionary<string, string> PublicJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["kid"] = key.KeyId,
            ["use"] = "sig",
            ["alg"] = "ES256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }
}
