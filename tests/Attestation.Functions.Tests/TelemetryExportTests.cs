using System.Net;
using Attestation.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Attestation.Functions.Tests;

/// <summary>OpenTelemetry export to Azure Monitor: on with a connection string, and then only; off (nothing exports) without one.</summary>
public class TelemetryExportTests
{
    [Fact]
    public async Task WithoutAConnectionStringNothingIsSetUpToExport()
    {
        await using var backend = await RunningBackend.StartAsync(settings: [$"--{AttestationTelemetry.ConnectionStringSetting}="]);

        using var response = await backend.AttestDebugAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(backend.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task WithAConnectionStringTheMetricsReachTheIngestionEndpointWithoutATokenOrDebugToken()
    {
        await using var ingestion = await FakeIngestionServer.StartAsync();
        await using var backend = await RunningBackend.StartAsync(settings: [$"--{AttestationTelemetry.ConnectionStringSetting}={ingestion.ConnectionString}"]);
        string token;
        using (var response = await backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
        }

        Assert.True(backend.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));

        var sent = string.Join("\n", ingestion.Requests.Where(r => r.Path.Contains("/track", StringComparison.Ordinal)).Select(r => r.Body));
        Assert.Contains("attestation.attestations", sent, StringComparison.Ordinal);
        Assert.Contains(RunningBackend.DemoApp, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(token, sent, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningBackend.DebugToken, sent, StringComparison.Ordinal);
    }
}
