using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.TestSupport;

/// <summary>
/// A FAKE of Google's side of standard Play Integrity tokens, on a loopback port (no internet here): an OAuth token endpoint
/// that checks the service account's signed JWT assertion, and <c>v1/{packageName}:decodeIntegrityToken</c>, which answers
/// the verdicts registered for tokens and 400 INVALID_ARGUMENT for any other token, as Google does.
/// </summary>
public sealed class FakePlayIntegrityServer : IAsyncDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/playintegrity";
    private readonly WebApplication _app;
    private readonly RSA _serviceAccountKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, string> _verdicts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new(StringComparer.Ordinal);
    private int _decodeCalls;
    private int _tokenCalls;

    private FakePlayIntegrityServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The base address; the backend's <c>Attestation:PlayIntegrity:DecodeEndpoint</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many decodeIntegrityToken calls arrived (each one spends Google quota).</summary>
    public int DecodeCalls => Volatile.Read(ref _decodeCalls);

    /// <summary>How many access tokens were issued.</summary>
    public int TokenCalls => Volatile.Read(ref _tokenCalls);

    /// <summary>The package name of the last decode call.</summary>
    public string? LastPackageName { get; private set; }

    /// <summary>While true, decode calls get 503.</summary>
    public bool Unavailable { get; set; }

    /// <summary>While set, decode calls get this status (429 for over quota, a 5xx for an outage), with <see cref="RetryAfterSeconds"/>.</summary>
    public int? AnswerStatus { get; set; }

    /// <summary>The <c>Retry-After</c> seconds sent with <see cref="AnswerStatus"/>, if any.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>While true, decode calls get no answer until the caller gives up.</summary>
    public bool Hang { get; set; }

    public static async Task<FakePlayIntegrityServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakePlayIntegrityServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First() + "/");
        return server;
    }

    /// <summary>A service account key file whose <c>token_uri</c> is this server's token endpoint.</summary>
    public string ServiceAccountJson() => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = "fake-project",
        ["private_key_id"] = "fake-key-1",
        ["private_key"] = _serviceAccountKey.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = "attestation@fake-project.iam.gserviceaccount.com",
        ["client_id"] = "1234567890",
        ["token_uri"] = new Uri(Endpoint, "token").ToString(),
    }.ToJsonString();

    /// <summary>Makes <paramref name="integrityToken"/> decode to <paramref name="verdict"/>.</summary>
    public void Register(string integrityToken, JsonObject verdict) => _verdicts[integrityToken] = verdict.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _serviceAccountKey.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method == HttpMethods.Post && path == "/token")
        {
            await IssueAccessTokenAsync(context);
            return;
        }

        const string Suffix = ":decodeIntegrityToken";
        if (context.Request.Method == HttpMethods.Post && path.StartsWith("/v1/", StringComparison.Ordinal) && path.EndsWith(Suffix, StringComparison.Ordinal))
        {
            await DecodeAsync(context, Uri.UnescapeDataString(path["/v1/".Length..^Suffix.Length]));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    // RFC 7523: the service account proves itself with a JWT signed by its private key.
    private async Task IssueAccessTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(form["assertion"].ToString(), new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(_serviceAccountKey.ExportParameters(false)),

            // Google.Apis.Auth names Google's token endpoint as the audience even when token_uri points elsewhere.
            ValidAudiences = [new Uri(Endpoint, "token").ToString(), "https://oauth2.googleapis.com/token"],
            ValidIssuer = "attestation@fake-project.iam.gserviceaccount.com",
        });
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !result.IsValid
            || !result.Claims.TryGetValue("scope", out var scope) || scope?.ToString() != Scope)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_grant" });
            return;
        }

        Interlocked.Increment(ref _tokenCalls);
        var accessToken = "fake-access-" + Guid.NewGuid().ToString("N");
        _accessTokens[accessToken] = true;
        await context.Response.WriteAsJsonAsync(new { access_token = accessToken, token_type = "Bearer", expires_in = 3600 });
    }

    private async Task DecodeAsync(HttpContext context, string packageName)
    {
        Interlocked.Increment(ref _decodeCalls);
        LastPackageName = packageName;
        if (Unavailable)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (AnswerStatus is { } status)
        {
            if (RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await ErrorAsync(context, status, status == StatusCodes.Status429TooManyRequests ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE");
            return;
        }

        if (Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHENTICATED");
            return;
        }

        string? token = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            token = body.RootElement.TryGetProperty("integrity_token", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
        }

        if (token is null || !_verdicts.TryGetValue(token, out var verdict))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "INVALID_ARGUMENT");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"tokenPayloadExternal":{{verdict}}}""");
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error = new { code = status, message = "fake", status = code } });
    }
}
