using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.OpenApi;

/// <summary>What one flow sent and got back, for checking against docs/openapi.yaml.</summary>
internal sealed record Exchange(HttpResponseMessage Response, JsonElement? RequestBody);

/// <summary>
/// The backends the contract flows run against: one with the fake Entra ID (admin routes, verify by token or key), and,
/// made on first use, one on an Azurite of its own whose connections are cut, for the 503s, and one in ES256 mode, for
/// the well-known routes.
/// </summary>
public sealed class ContractFixture : IAsyncLifetime
{
    /// <summary>The JSON the requests are sent as: camelCase, nulls left out (as a client following the contract sends them).</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly EntraIdBackendFixture _entraId = new();
    private readonly Lazy<Task<(AzuriteProcess Azurite, RunningBackend Backend)>> _outage = new(StartOutageAsync);
    private readonly Lazy<Task<RunningBackend>> _es256 = new(StartEs256Async);

    public EntraIdBackendFixture EntraId => _entraId;

    public RunningBackend Backend => _entraId.Backend;

    public Task InitializeAsync() => _entraId.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_outage.IsValueCreated)
        {
            var (azurite, backend) = await _outage.Value;
            await backend.DisposeAsync();
            await azurite.DisposeAsync();
        }

        if (_es256.IsValueCreated)
        {
            await (await _es256.Value).DisposeAsync();
        }

        await _entraId.DisposeAsync();
    }

    /// <summary>A backend in ES256 mode, with a development key made for this run (started on first use).</summary>
    internal Task<RunningBackend> Es256BackendAsync() => _es256.Value;

    private static Task<RunningBackend> StartEs256Async()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return RunningBackend.StartAsync(settings:
        [
            "--Attestation:Token:Algorithm=ES256",
            "--Attestation:SigningKey:Current:Version=es-1",
            $"--Attestation:SigningKey:Current:Secret={Convert.ToBase64String(key.ExportPkcs8PrivateKey())}",
        ]);
    }

    /// <summary>A backend whose storage does not answer (started on first use, its Azurite interrupted before any request).</summary>
    internal async Task<RunningBackend> OutageBackendAsync() => (await _outage.Value).Backend;

    private static async Task<(AzuriteProcess Azurite, RunningBackend Backend)> StartOutageAsync()
    {
        var azurite = await AzuriteProcess.StartAsync();
        var backend = await RunningBackend.StartAsync(azurite.ConnectionString);
        azurite.Interrupt();
        return (azurite, backend);
    }

    /// <summary>Sends <paramref name="body"/> as JSON (or nothing) with <paramref name="configure"/>'s credentials; keeps the body sent.</summary>
    internal static async Task<Exchange> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        JsonElement? sent = null;
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            sent = JsonSerializer.SerializeToElement(body, JsonOptions);
            request.Content = JsonContent.Create(sent.Value);
        }

        configure?.Invoke(request);
        return new Exchange(await client.SendAsync(request), sent);
    }

    /// <summary>Sends as <paramref name="token"/>'s bearer (or none) through the client without a verify key.</summary>
    internal Task<Exchange> AsAsync(string? token, HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(Backend.Anonymous, method, path, body, request =>
        {
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            configure?.Invoke(request);
        });

    internal Task<Exchange> AdminAsync(HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? configure = null) =>
        AsAsync(EntraId.AdminToken(), method, path, body, configure);

    internal Task<Exchange> DebugGrantorAsync(HttpMethod method, string path, object? body = null) =>
        AsAsync(EntraId.DebugGrantorToken(), method, path, body);

    /// <summary>A new debug device of <paramref name="appId"/>: a debug token made through the admin API, attested once.</summary>
    internal async Task<(string DebugToken, string DeviceId, string Token)> NewDeviceAsync(string appId = RunningBackend.DemoApp)
    {
        using var created = (await DebugGrantorAsync(HttpMethod.Post, $"/api/v1/admin/apps/{appId}/debug-tokens")).Response;
        created.EnsureSuccessStatusCode();
        var debugToken = (await RunningBackend.ReadJsonAsync(created)).GetProperty("debugToken").GetString()!;
        using var attested = await Backend.AttestDebugAsync(appId, debugToken);
        attested.EnsureSuccessStatusCode();
        var json = await RunningBackend.ReadJsonAsync(attested);
        return (debugToken, json.GetProperty("deviceId").GetString()!, json.GetProperty("token").GetString()!);
    }
}
