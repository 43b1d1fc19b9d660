using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// An API in an in-memory test server, protected by the package: <c>GET /whoami</c> needs the scheme and answers the
/// principal's claims; the clock, the logs and the metrics are the test's.
/// </summary>
internal sealed class ProtectedApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProtectedApi(WebApplication app, CapturingLoggerProvider logs, RecordingMeterFactory meters)
    {
        _app = app;
        Logs = logs;
        Meters = meters;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public RecordingMeterFactory Meters { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an API whose scheme is set by <paramref name="configure"/> on top of the local run's issuer, audience and demo app.</summary>
    public static async Task<ProtectedApi> StartAsync(TimeProvider clock, Action<AttestationTokenOptions> configure, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var logs = new CapturingLoggerProvider();
        var meters = new RecordingMeterFactory();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<IMeterFactory>(meters);
        builder.Services.AddAuthentication(AttestationTokenDefaults.AuthenticationScheme).AddAttestationToken(options =>
        {
            options.Issuer = TestTokens.Issuer;
            options.Audience = TestTokens.Audience;
            options.AppIds.Add(TestTokens.DemoApp);
            configure(options);
        });
        builder.Services.AddAuthorization();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext context) => Results.Json(new
        {
            app = context.User.FindFirst(AttestationTokenClaimTypes.App)?.Value,
            device = context.User.FindFirst(AttestationTokenClaimTypes.Device)?.Value,
            platform = context.User.FindFirst(AttestationTokenClaimTypes.Platform)?.Value,
            name = context.User.Identity?.Name,
            refusal = context.GetAttestationToken()?.Refusal,
        })).RequireAuthorization();
        await app.StartAsync();
        return new ProtectedApi(app, logs, meters);
    }

    /// <summary>An API with HS256 keys from configuration: the current and previous versions of <see cref="TestTokens"/>.</summary>
    public static Task<ProtectedApi> StartHs256Async(TimeProvider clock, Action<AttestationTokenOptions>? configure = null) =>
        StartAsync(clock, options =>
        {
            options.SigningKeys.Add(new AttestationSigningKey { Version = TestTokens.CurrentVersion, Secret = TestTokens.CurrentSecret });
            options.SigningKeys.Add(new AttestationSigningKey { Version = TestTokens.PreviousVersion, Secret = TestTokens.PreviousSecret });
            configure?.Invoke(options);
        });

    public async Task<HttpResponseMessage> WhoAmIAsync(string? token, string? authorization = null, string header = AttestationTokenDefaults.HeaderName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(header, token);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Asserts the edge's refusal: 401 problem+json, code attestation_token_invalid, action attest, and returns its detail.</summary>
    public static async Task<string> AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("attestation_token_invalid", problem.GetProperty("code").GetString());
        Assert.Equal("attest", problem.GetProperty("action").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("urn:attestation:problem:attestation_token_invalid", problem.GetProperty("type").GetString());
        return problem.GetProperty("detail").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Meters.Dispose();
    }
}
