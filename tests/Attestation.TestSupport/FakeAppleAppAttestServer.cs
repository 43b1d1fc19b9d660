using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.TestSupport;

/// <summary>
/// A FAKE of Apple's App Attest server (Apple's "Assessing fraud risk") over local HTTPS: <c>POST
/// {environment}/v1/attestationData</c> with the receipt base64 as the body and a bare ES256 JWT as <c>Authorization</c>. It
/// checks the JWT as Apple does (signature with the team's public key, <c>kid</c>, <c>iss</c>, an <c>iat</c> within the last
/// hour on its clock) and answers 401 when it fails, 400 for a body that is not base64; otherwise it answers what the test
/// scripted (<see cref="Enqueue"/>), or <see cref="DefaultAnswer"/> when nothing is scripted.
/// </summary>
public sealed class FakeAppleAppAttestServer : IAsyncDisposable
{
    public const string TeamId = "ABCDE12345";
    public const string KeyId = "KEY1234567";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly ECDsa _teamKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentQueue<FakeAppleAnswer> _answers = new();
    private readonly ConcurrentQueue<FakeAppleRequest> _requests = new();

    private FakeAppleAppAttestServer(WebApplication app, X509Certificate2 certificate, TimeProvider clock)
    {
        _app = app;
        Certificate = certificate;
        _clock = clock;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The base address of the development server (<c>Attestation:AppleRiskMetric:DevelopmentEndpoint</c>).</summary>
    public Uri DevelopmentEndpoint { get; private set; } = null!;

    /// <summary>The base address of the production server (<c>Attestation:AppleRiskMetric:ProductionEndpoint</c>).</summary>
    public Uri ProductionEndpoint { get; private set; } = null!;

    /// <summary>The team's .p8 key as Apple hands it out: PKCS#8 PEM.</summary>
    public string TeamKeyPem => _teamKey.ExportPkcs8PrivateKeyPem();

    /// <summary>The answer when nothing is scripted.</summary>
    public FakeAppleAnswer DefaultAnswer { get; set; } = FakeAppleAnswer.Status(500);

    /// <summary>Every request that passed the JWT check, in order.</summary>
    public IReadOnlyList<FakeAppleRequest> Requests => [.. _requests];

    /// <summary>Requests refused with 401 (a bad JWT).</summary>
    public int Unauthorized => Volatile.Read(ref _unauthorized);

    private int _unauthorized;

    /// <summary>The team key the JWT must be signed with; a test swaps it to see a 401.</summary>
    public ECDsa? AcceptedKeyOverride { get; set; }

    public static async Task<FakeAppleAppAttestServer> StartAsync(TimeProvider? clock = null)
    {
        var certificate = LocalhostCertificate.Create();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeAppleAppAttestServer(app, certificate, clock ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var root = app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        server.DevelopmentEndpoint = new Uri(root + "/development/");
        server.ProductionEndpoint = new Uri(root + "/production/");
        return server;
    }

    /// <summary>Scripts the answer to the next request that passes the JWT check.</summary>
    public void Enqueue(FakeAppleAnswer answer) => _answers.Enqueue(answer);

    /// <summary>A handler that trusts this server's certificate only.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData),
    };

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var environment = path switch
        {
            "/development/v1/attestationData" => "development",
            "/production/v1/attestationData" => "production",
            _ => null,
        };
        if (environment is null || !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (!await JwtIsValidAsync(context.Request.Headers.Authorization.ToString()))
        {
            Interlocked.Increment(ref _unauthorized);
            context.Response.StatusCode = 401;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = (await reader.ReadToEndAsync()).Trim();
        byte[] receipt;
        try
        {
            receipt = Convert.FromBase64String(body);
        }
        catch (FormatException)
        {
            context.Response.StatusCode = 400;
            return;
        }

        _requests.Enqueue(new FakeAppleRequest(environment, receipt, _clock.GetUtcNow()));
        var answer = _answers.TryDequeue(out var scripted) ? scripted : DefaultAnswer;
        context.Response.StatusCode = answer.StatusCode;
        if (answer.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.Body is { } text)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(text);
        }
    }

    private async Task<bool> JwtIsValidAsync(string authorization)
    {
        if (string.IsNullOrEmpty(authorization) || authorization.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        var handler = new JsonWebTokenHandler();
        var result = await handler.ValidateTokenAsync(authorization, new TokenValidationParameters
        {
            ValidIssuer = TeamId,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKey = new ECDsaSecurityKey(AcceptedKeyOverride ?? _teamKey) { KeyId = KeyId },
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            TryAllIssuerSigningKeys = false,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token || token.Kid != KeyId)
        {
            return false;
        }

        // Apple refuses a token issued more than an hour ago (or in the future, beyond a little clock skew).
        var issued = token.IssuedAt;
        var now = _clock.GetUtcNow().UtcDateTime;
        return issued != DateTime.MinValue && issued <= now.AddMinutes(1) && now - issued <= TimeSpan.FromHours(1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
        _teamKey.Dispose();
    }
}

/// <summary>One answer of the fake: a status, a body, a <c>Retry-After</c>.</summary>
public sealed record FakeAppleAnswer(int StatusCode, string? Body = null, int? RetryAfterSeconds = null)
{
    /// <summary>200 with a new receipt, base64, as Apple sends it.</summary>
    public static FakeAppleAnswer NewReceipt(byte[] receipt) => new(200, Convert.ToBase64String(receipt));

    public static FakeAppleAnswer Status(int statusCode, int? retryAfterSeconds = null) => new(statusCode, null, retryAfterSeconds);
}

/// <summary>A request the fake accepted: the environment whose server it reached, the receipt, and when.</summary>
public sealed record FakeAppleRequest(string Environment, byte[] Receipt, DateTimeOffset At);
