using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Tests;

/// <summary>
/// A FAKE Application Insights ingestion endpoint on loopback: it accepts every track request, answers that every item was
/// accepted, and keeps the (decompressed) bodies so a test can see what the Azure Monitor exporter sent.
/// </summary>
public sealed class FakeIngestionServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string Body)> _requests = new();

    private FakeIngestionServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>A connection string that points the exporter here (the instrumentation key is a made-up one).</summary>
    public string ConnectionString => $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={Endpoint}";

    public IReadOnlyCollection<(string Path, string Body)> Requests => _requests;

    public static async Task<FakeIngestionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeIngestionServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Urls.First() + "/");
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }

        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync();
        _requests.Enqueue((context.Request.Path.Value ?? "", text));
        var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"itemsReceived":{{items}},"itemsAccepted":{{items}},"errors":[]}""");
    }
}
