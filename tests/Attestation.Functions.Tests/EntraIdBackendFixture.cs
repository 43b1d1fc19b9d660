using System.Net.Http.Headers;
using Attestation.Functions.Security;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace Attestation.Functions.Tests;

/// <summary>
/// A running backend whose Entra ID is <see cref="FakeEntraIdServer"/>: Microsoft.Identity.Web reads the fake's discovery
/// document and keys over HTTPS (trusting the fake's certificate only) and validates tokens as it would Entra ID's.
/// </summary>
public class EntraIdBackendFixture : IAsyncLifetime
{
    public const string TenantId = "8a1f0c57-3d0e-4b7a-9c61-2f4d5e6a7b80";
    public const string OtherTenantId = "0b9e8d7c-6f5a-4e3d-8c2b-1a0f9e8d7c6b";
    public const string ClientId = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";

    public RunningBackend Backend { get; private set; } = null!;

    public FakeEntraIdServer EntraId { get; private set; } = null!;

    /// <summary>Every log line of the backend, of every level.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public async Task InitializeAsync()
    {
        EntraId = await FakeEntraIdServer.StartAsync();
        Backend = await StartBackendAsync();
    }

    /// <summary>
    /// Another instance of this deployment: the same Entra ID and the same tables as <see cref="Backend"/>, with
    /// <paramref name="services"/> changed (a storage client that holds requests, say).
    /// </summary>
    public Task<RunningBackend> StartInstanceAsync(Action<IServiceCollection> services) => StartBackendAsync(services, Backend.TablePrefix);

    private Task<RunningBackend> StartBackendAsync(Action<IServiceCollection>? more = null, string? tablePrefix = null) =>
        RunningBackend.StartAsync(
            logs: Logs,
            tablePrefix: tablePrefix,
            services: services =>
            {
                // Two readers of the discovery document: the JwtBearer handler (signing keys) and Microsoft.Identity.Web's
                // issuer validator (its own named HttpClient). Both trust the fake's certificate and nothing else.
                services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = EntraId.CreateTrustingHandler());
                services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = nameof(FakeEntraIdServer));
                services.AddHttpClient(nameof(FakeEntraIdServer)).ConfigurePrimaryHttpMessageHandler(EntraId.CreateTrustingHandler);
                more?.Invoke(services);
            },
            settings:
            [
                $"--AzureAd:Instance={EntraId.Instance}",
                $"--AzureAd:TenantId={TenantId}",
                $"--AzureAd:ClientId={ClientId}",
                .. MoreSettings,
            ]);

    /// <summary>Settings a fixture built on this one adds (trusted test roots, more apps).</summary>
    protected virtual IEnumerable<string> MoreSettings => [];

    public async Task DisposeAsync()
    {
        await Backend.DisposeAsync();
        await EntraId.DisposeAsync();
        Logs.Dispose();
    }

    /// <summary>A token for this API, from its tenant, holding <paramref name="roles"/>.</summary>
    public string Token(params string[] roles) => EntraId.CreateAccessToken(TenantId, ClientId, roles);

    public string AdminToken() => Token(CallerAuthorization.AdminRole);

    /// <summary>An administrator who may also grant debug access (create debug tokens, enable the debug platform).</summary>
    public string DebugGrantorToken() => Token(CallerAuthorization.AdminRole, CallerAuthorization.DebugTokensRole);

    /// <summary>Sends a request with <paramref name="token"/> (or none) and no verify key.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null) =>
        SendAsync(Backend, new HttpRequestMessage(method, path), token, body);

    /// <summary>Sends <paramref name="request"/> to <paramref name="backend"/> with <paramref name="token"/> (or none) and no verify key.</summary>
    public static Task<HttpResponseMessage> SendAsync(RunningBackend backend, HttpRequestMessage request, string? token, object? body = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(request);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = body as HttpContent ?? System.Net.Http.Json.JsonContent.Create(body);
        }

        return backend.Anonymous.SendAsync(request);
    }

    /// <summary>Sends a request as an administrator (the admin role alone).</summary>
    public Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null) => SendAsync(method, path, AdminToken(), body);

    /// <summary>Sends a request as an administrator who may also grant debug access.</summary>
    public Task<HttpResponseMessage> DebugGrantorAsync(HttpMethod method, string path, object? body = null) => SendAsync(method, path, DebugGrantorToken(), body);
}
