using System.Net.Http.Json;
using System.Text.Json;
using Attestation.Azure.Tables;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Tests;

/// <summary>
/// The local host serving the Functions app on a free loopback port, configured from local.settings.sample.json (the demo
/// apps) with tables on Azurite under a prefix of its own.
/// </summary>
public sealed class RunningBackend : IAsyncDisposable
{
    public const string DemoApp = "com.contoso.demo";
    public const string DecoyApp = "com.contoso.decoy";
    public const string AppleOnlyApp = "com.contoso.appleonly";
    public const string DebugToken = "local-debug-token";

    /// <summary>The verify key every test backend is configured with (its SHA-256 is the setting), which <see cref="Client"/> sends.</summary>
    public const string VerifyKey = "local-verify-key";

    private readonly WebApplication _app;

    private RunningBackend(WebApplication app, Uri address, string tablePrefix)
    {
        _app = app;
        Address = address;
        TablePrefix = tablePrefix;
        Client = new HttpClient { BaseAddress = address };

        // Verify takes a verify key (docs/api.md: "a function key or an Entra ID token"); the other routes ignore it.
        Client.DefaultRequestHeaders.Add("x-functions-key", VerifyKey);
        Anonymous = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>The prefix of this backend's tables: another backend started with it is another instance of the same deployment.</summary>
    public string TablePrefix { get; }

    /// <summary>A client that sends the verify key with every request.</summary>
    public HttpClient Client { get; }

    /// <summary>A client that sends no credential at all.</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a backend. <paramref name="logs"/> receives every log line of every level; <paramref name="services"/> can
    /// replace services (a Key Vault client pointed at the fake); <paramref name="settings"/> are extra <c>--Key=Value</c> arguments.
    /// Backends given the same <paramref name="tablePrefix"/> share their tables, as instances of one deployment do.
    /// </summary>
    public static async Task<RunningBackend> StartAsync(
        string? storageConnectionString = null,
        ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null,
        string[]? settings = null,
        bool configureVerifyKey = true,
        string? tablePrefix = null)
    {
        storageConnectionString ??= await SharedAzurite.GetConnectionStringAsync();
        tablePrefix ??= SharedAzurite.NewTablePrefix();
        string[] args =
        [
            $"--LocalHost:Settings={Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")}",
            $"--Attestation:Storage:ConnectionString={storageConnectionString}",
            $"--Attestation:Storage:TablePrefix={tablePrefix}",
            "--urls=http://127.0.0.1:0",

            // Like a deployment, verify takes a key; the local sample configures none (verify is open on a developer machine).
            .. configureVerifyKey ? [$"--Attestation:Auth:VerifyKeySha256:0={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(VerifyKey)))}"] : Array.Empty<string>(),

            // A third app beside the two demo apps, with only App Attest enabled, for "platform not enabled".
            $"--Attestation:Apps:2:AppId={AppleOnlyApp}",
            "--Attestation:Apps:2:Platforms:0=apple-app-attest",
            "--Attestation:Apps:2:Apple:TeamId=ABCDE12345",
            $"--Attestation:Apps:2:Apple:BundleId={AppleOnlyApp}",
            .. settings ?? [],
        ];
        var app = LocalFunctionsHost.Build(args, builder =>
        {
            if (logs is null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            }
            else
            {
                builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
            }

            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningBackend(app, new Uri(address), tablePrefix);
    }

    /// <summary>
    /// The backend's own Table Storage client options with <paramref name="policies"/> in the pipeline (per retry), to
    /// register through <c>services</c>: the backend's client options are replaceable (tests count or hold its requests).
    /// </summary>
    public static TableClientOptions StorageOptionsWith(params HttpPipelinePolicy[] policies)
    {
        var options = TableStorage.CreateClientOptions();
        foreach (var policy in policies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return options;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body) => Client.PostAsJsonAsync(path, body);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body) =>
        Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public async Task<string> ChallengeAsync(string appId = DemoApp)
    {
        using var response = await PostAsync("/api/v1/challenge", new { appId });
        response.EnsureSuccessStatusCode();
        return (await ReadJsonAsync(response)).GetProperty("challenge").GetString()!;
    }

    public async Task<HttpResponseMessage> AttestDebugAsync(string appId = DemoApp, string debugToken = DebugToken, string? challenge = null, string? binding = null)
    {
        challenge ??= await ChallengeAsync(appId);
        return await PostAsync("/api/v1/attest", new { appId, platform = "debug", challenge, binding, evidence = new { debugToken } });
    }

    public async Task<HttpResponseMessage> RefreshDebugAsync(string deviceId, string appId = DemoApp, string debugToken = DebugToken, string? challenge = null, string? binding = null)
    {
        challenge ??= await ChallengeAsync(appId);
        return await PostAsync("/api/v1/token/refresh", new { appId, deviceId, challenge, binding, proof = new { debugToken } });
    }

    public async Task<JsonElement> VerifyAsync(string token, string? binding = null, bool consume = false, string? appId = null, string[]? platforms = null)
    {
        using var response = await PostAsync("/api/v1/verify", new { token, binding, consume, appId, platforms });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
