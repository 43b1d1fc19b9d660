using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Attestation.TestSupport;

/// <summary>
/// A FAKE Key Vault: a small local HTTPS server that speaks the part of the Key Vault secrets REST API the backend uses
/// (get the latest secret, get a version, list versions), with the bearer challenge that Key Vault clients expect first.
/// No Key Vault emulator exists, so the Key Vault adapter is tested against this. It trusts any bearer token.
/// </summary>
public sealed class FakeKeyVaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Version> _versions = [];
    private readonly Lock _gate = new();
    private int _secretReads;
    private int _requestsSeen;

    private FakeKeyVaultServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The server's self-signed certificate; a client trusts exactly this one.</summary>
    public X509Certificate2 Certificate { get; }

    public Uri VaultUri { get; private set; } = null!;

    /// <summary>How many requests asked for a secret value or the version list (the challenge round-trip not counted).</summary>
    public int SecretReads => Volatile.Read(ref _secretReads);

    /// <summary>How many requests reached the server at all.</summary>
    public int RequestsSeen => Volatile.Read(ref _requestsSeen);

    /// <summary>While true, every request gets 503, as Key Vault does in an outage.</summary>
    public bool Unavailable { get; set; }

    public static async Task<FakeKeyVaultServer> StartAsync()
    {
        var certificate = LocalhostCertificate.Create();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeKeyVaultServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.VaultUri = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Adds a new version of <paramref name="name"/>, which becomes the latest; returns its version id.</summary>
    public string AddVersion(string name, string value, DateTimeOffset createdOn, bool enabled = true)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _versions.Add(new Version(name, id, value, createdOn, enabled));
        }

        return id;
    }

    /// <summary>A Key Vault client for this server: trusts its certificate only, no retries, a bearer token that reaches no Entra ID.</summary>
    public SecretClient CreateSecretClient()
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(CreateTrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 0;
        return new SecretClient(VaultUri, new StaticTokenCredential(), options);
    }

    /// <summary>An HttpClientHandler that trusts this server's certificate only.</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestsSeen);
        if (Unavailable)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        // Key Vault clients first send the request without a token and read the authority from this challenge.
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
            return;
        }

        // Routes: /secrets/{name}, /secrets/{name}/versions, /secrets/{name}/{version}
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets" || context.Request.Method != HttpMethods.Get)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Interlocked.Increment(ref _secretReads);
        List<Version> versions;
        lock (_gate)
        {
            versions = [.. _versions.Where(v => v.Name == segments[1]).OrderBy(v => v.CreatedOn)];
        }

        object? body = segments.Length switch
        {
            2 => versions.LastOrDefault() is { } latest ? Bundle(latest) : null,
            3 when segments[2] == "versions" => new { value = versions.Select(Item).ToList(), nextLink = (string?)null },
            3 => versions.FirstOrDefault(v => v.Id == segments[2]) is { } one ? Bundle(one) : null,
            _ => null,
        };

        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "SecretNotFound", message = "Secret not found" } });
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private object Bundle(Version version) => new
    {
        value = version.Value,
        id = $"{VaultUri}secrets/{version.Name}/{version.Id}",
        attributes = Attributes(version),
    };

    private object Item(Version version) => new
    {
        id = $"{VaultUri}secrets/{version.Name}/{version.Id}",
        attributes = Attributes(version),
    };

    private static object Attributes(Version version) => new
    {
        enabled = version.Enabled,
        created = version.CreatedOn.ToUnixTimeSeconds(),
        updated = version.CreatedOn.ToUnixTimeSeconds(),
        recoveryLevel = "Recoverable+Purgeable",
    };

    /// <summary>The fake accepts any bearer token; this one never reaches Entra ID.</summary>
    private sealed class StaticTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("fake-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed record Version(string Name, string Id, string Value, DateTimeOffset CreatedOn, bool Enabled);
}
