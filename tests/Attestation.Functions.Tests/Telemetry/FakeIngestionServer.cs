using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Tests.Telemetry;

/// <summary>
/// A FAKE Application Insights ingestion endpoint on loopback: it accepts every track request, answers that every item was
/// accepted, and keeps the (decompressed) bodies and the Authorization header so a test can see what the Azure Monitor
/// exporter sent. Over HTTPS (a self-signed certificate, <see cref="Certificate"/>) when asked: bearer tokens go to HTTPS only.
/// </summary>
public sealed class FakeIngestionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string Body, string? Authorization)> _requests = new();

    private FakeIngestionServer(WebApplication app, X509Certificate2? certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The server's self-signed certificate when it serves HTTPS; a client trusts exactly this one.</summary>
    public X509Certificate2? Certificate { get; }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>A connection string that points the exporter here (the instrumentation key is a made-up one).</summary>
    public string ConnectionString => $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={Endpoint}";

    public IReadOnlyCollection<(string Path, string Body, string? Authorization)> Requests => _requests;

    public static async Task<FakeIngestionServer> StartAsync(bool https = false)
    {
        var certificate = https ? LocalhostCertificate.Create() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var server = new FakeIngestionServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>A handler that trusts this server's certificate and no other (for the exporter's transport).</summary>
    public HttpClientHandler CreateTrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && Certificate is not null
            && presented.RawData.AsSpan().SequenceEqual(Certificate.RawData),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync();
        var authorization = context.Request.Headers.Authorization.ToString();
        _requests.Enqueue((context.Request.Path.Value ?? "", text, authorization.Length == 0 ? null : authorization));
        var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"itemsReceived":{{items}},"itemsAccepted":{{items}},"errors":[]}""");
    }
}
