using System.Xml.Linq;
using Attestation.Core.Tokens;
using Attestation.Infrastructure.Tests.Apim;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The backend's own TokenIssuer and TokenValidator and the edge's validate-jwt fragment, configured alike from the
/// same Key Vault secret texts and the template's defaults, on one pinned clock. The fragment is the sample API's,
/// "validate-attestation-token-sample", as <c>bicep snapshot</c> says the template would deploy it (by default for the
/// app com.contoso.demo, on any platform).
/// </summary>
public sealed class EdgeTokenKit
{
    public const string Issuer = "api://func-example";
    public const string DeviceId = "device-1";
    public const string AppId = "com.contoso.demo";
    public const string Platform = "apple-app-attest";
    public const string SampleFragment = "validate-attestation-token-sample";

    private readonly string _fragmentText;

    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private EdgeTokenKit(string fragmentText, string audience, string headerName, string clockSkewSeconds)
    {
        _fragmentText = fragmentText;
        Audience = audience;
        HeaderName = headerName;
        ClockSkewSeconds = clockSkewSeconds;
    }

    // Secret versions as Key Vault holds them: the text of `openssl rand -base64 32` (standard alphabet, padded). The
    // first bytes make the text start with "++//", so both alphabets' differing characters are exercised.
    public static string OldSecret { get; } = SecretText(1);

    public static string PreviousSecret { get; } = SecretText(2);

    public static string CurrentSecret { get; } = SecretText(3);

    public static string UnrelatedSecret { get; } = SecretText(4);

    /// <summary>Keys read from the secret texts exactly as KeyVaultSigningKeyProvider reads them; the versions are the kids.</summary>
    public static SigningKey Old { get; } = SigningKey.FromBase64("0a1b2c3d4e5f60718293a4b5c6d7e8f9", OldSecret)!;

    public static SigningKey Previous { get; } = SigningKey.FromBase64("1b2c3d4e5f60718293a4b5c6d7e8f90a", PreviousSecret)!;

    public static SigningKey Current { get; } = SigningKey.FromBase64("2c3d4e5f60718293a4b5c6d7e8f90a1b", CurrentSecret)!;

    public static SigningKey Unrelated { get; } = SigningKey.FromBase64("3d4e5f60718293a4b5c6d7e8f90a1b2c", UnrelatedSecret)!;

    public string Audience { get; }

    public string HeaderName { get; }

    public string ClockSkewSeconds { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The named values the template creates, with the template's defaults and these secrets.</summary>
    public IReadOnlyDictionary<string, string> NamedValues => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["attestation-token-issuer"] = Issuer,
        ["attestation-token-audience"] = Audience,
        ["attestation-token-header"] = HeaderName,
        ["attestation-token-enforce"] = "true",
        ["attestation-token-clock-skew"] = ClockSkewSeconds,
        ["attestation-signing-key-current"] = CurrentSecret,
        ["attestation-signing-key-previous"] = PreviousSecret,
        ["attestation-device-calls-per-minute"] = "120",
        ["attestation-calls-per-minute"] = "60",
        ["attestation-subscription-calls-per-minute"] = "600",
    };

    /// <summary>The kit with the sample API's fragment as deployed with <paramref name="parameters"/> (Bicep literals) besides deploySampleApi.</summary>
    public static async Task<EdgeTokenKit> CreateAsync(params (string Name, string Literal)[] parameters)
    {
        var template = await CompiledTemplate.GetAsync();
        var snapshot = await TemplateSnapshot.GetAsync([("deploySampleApi", "true"), .. parameters]);
        var fragment = snapshot.PolicyText("Microsoft.ApiManagement/service/policyFragments", SampleFragment)
            ?? throw new InvalidOperationException($"The template deploys no fragment {SampleFragment}.");
        return new EdgeTokenKit(
            fragment,
            template.DefaultOf("tokenAudience")!.GetValue<string>(),
            template.DefaultOf("tokenHeaderName")!.GetValue<string>(),
            template.DefaultOf("tokenClockSkewSeconds")!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The sample API's token fragment as deployed, with <see cref="NamedValues"/> substituted.</summary>
    public XElement Fragment() => PolicyFile.Parse(_fragmentText, NamedValues, SampleFragment);

    /// <summary>The validate-jwt of the sample API's token fragment as deployed with <see cref="NamedValues"/>.</summary>
    public ValidateJwtPolicy Policy() => ValidateJwtPolicy.Read(Fragment());

    public string Issue(SigningKey key, string? binding = null, string? issuer = null, string? audience = null, string app = AppId, string platform = Platform)
    {
        var options = Options.Create(new TokenOptions { Issuer = issuer ?? Issuer, Audience = audience ?? Audience, Lifetime = TimeSpan.FromMinutes(5) });
        return new TokenIssuer(options, Clock).Issue(new SigningKeySet(key, null), new TokenSubject(DeviceId, app, platform, binding)).Token;
    }

    public string IssueDecoy()
    {
        var options = Options.Create(new TokenOptions { Issuer = Issuer, Audience = Audience, Lifetime = TimeSpan.FromMinutes(5) });
        return new TokenIssuer(options, Clock).IssueDecoy(new SigningKeySet(Current, Previous), new TokenSubject(DeviceId, "com.contoso.demo", "apple-app-attest", null)).Token;
    }

    public Dictionary<string, string[]> Headers(string token, string? authorization = null)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { [HeaderName] = [token] };
        if (authorization is not null)
        {
            headers["Authorization"] = [authorization];
        }

        return headers;
    }

    public Task<ValidateJwtOutcome> AtTheEdgeAsync(string token) => Policy().EvaluateAsync(Headers(token), Clock.GetUtcNow());

    /// <summary>The backend's verdict on the same token (POST /api/v1/verify), with the current and previous key.</summary>
    public Task<TokenCheck> AtTheBackendAsync(string token, string? boundValue = null, TokenScope? scope = null)
    {
        var options = Options.Create(new TokenOptions { Issuer = Issuer, Audience = Audience, ClockSkew = TimeSpan.FromSeconds(int.Parse(ClockSkewSeconds, System.Globalization.CultureInfo.InvariantCulture)) });
        return new TokenValidator(options, Clock).ValidateAsync(token, new SigningKeySet(Current, Previous), boundValue, scope);
    }

    private static string SecretText(int seed)
    {
        var bytes = new byte[32];
        bytes[0] = 0xFB;
        bytes[1] = 0xEF;
        bytes[2] = 0xFF;
        for (var i = 3; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((seed * 73) + (i * 29));
        }

        return Convert.ToBase64String(bytes);
    }
}
