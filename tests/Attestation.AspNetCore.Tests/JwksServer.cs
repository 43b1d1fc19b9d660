using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// An in-test JWKS endpoint, shaped as docs/api.md's <c>GET /api/.well-known/jwks.json</c>: the public keys it holds, or
/// 503 while <see cref="Down"/>, or any raw body the test sets.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    public static readonly Uri JwksUri = new("http://localhost/api/.well-known/jwks.json");

    private readonly WebApplication _app;
    private readonly List<Dictionary<string, string>> _keys = [];
    private readonly Lock _gate = new();
    private int _fetches;

    private JwksServer(WebApplication app) => _app = app;

    public int Fetches => Volatile.Read(ref _fetches);

    public bool Down { get; set; }

    /// <summary>When set, the body served instead of the keys.</summary>
    public string? RawBody { get; set; }

    public static async Task<JwksServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new JwksServer(app);
        app.MapGet(JwksUri.AbsolutePath, server.Serve);
        await app.StartAsync();
        return server;
    }

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public void Add(Dictionary<string, string> jwk)
    {
        lock (_gate)
        {
            _keys.Add(jwk);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Serve()
    {
        Interlocked.Increment(ref _fetches);
        if (Down)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (RawBody is { } raw)
        {
            return Results.Text(raw, "application/json");
        }

        lock (_gate)
        {
            return Results.Text(JsonSerializer.Serialize(new { keys = _keys }), "application/json");
        }
    }
}
