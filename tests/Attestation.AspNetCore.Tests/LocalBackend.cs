using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore.Tests;

/// <summary>
/// The local host configured as scripts/run-local.sh configures it (local.settings.sample.json, Development) on the shared
/// Azurite, on a free port, with <c>settings</c> on top; and the debug attestation that gets real tokens from it.
/// </summary>
internal static class LocalBackend
{
    public static async Task<(WebApplication Host, HttpClient Client)> StartAsync(params string[] settings)
    {
        string[] args =
        [
            $"--LocalHost:Settings={Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")}",
            $"--Attestation:Storage:ConnectionString={await SharedAzurite.GetConnectionStringAsync()}",
            $"--Attestation:Storage:TablePrefix={SharedAzurite.NewTablePrefix()}",
            .. settings,
            "--urls=http://127.0.0.1:0",
        ];
        var host = LocalFunctionsHost.Build(args, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await host.StartAsync();
        return (host, new HttpClient { BaseAddress = AddressOf(host) });
    }

    /// <summary>Challenge, then a debug attestation of <paramref name="appId"/>: the token and device id it answers.</summary>
    public static async Task<(string Token, string DeviceId)> AttestAsync(HttpClient backend, string appId, string debugToken = "local-debug-token", string? binding = null)
    {
        using var challengeResponse = await backend.PostAsJsonAsync("/api/v1/challenge", new { appId });
        challengeResponse.EnsureSuccessStatusCode();
        var challenge = (await challengeResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString();
        using var response = await backend.PostAsJsonAsync("/api/v1/attest", new { appId, platform = "debug", challenge, binding, evidence = new { debugToken } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetString()!, body.GetProperty("deviceId").GetString()!);
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
