using System.Collections.Concurrent;
using System.Net;
using Attestation.Functions.Telemetry;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Attestation.Functions.Tests.Telemetry;

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
        Assert.All(ingestion.Requests, r => Assert.Null(r.Authorization));
    }

    [Theory]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000009;Authorization=AAD")]
    [InlineData("authorization=aad")]
    public async Task WithTheEntraIdAuthenticationStringTheExportCarriesABearerTokenFromTheBackendsCredential(string authenticationString)
    {
        await using var ingestion = await FakeIngestionServer.StartAsync(https: true);
        var credential = new RecordingCredential();
        await using var backend = await RunningBackend.StartAsync(
            services: services =>
            {
                services.AddSingleton<TokenCredential>(credential);
                // Only the transport differs from Azure: it trusts the fake's self-signed certificate.
                services.Configure<AzureMonitorExporterOptions>(options => options.Transport = new HttpClientTransport(ingestion.CreateTrustingHandler()));
            },
            settings:
            [
                $"--{AttestationTelemetry.ConnectionStringSetting}={ingestion.ConnectionString}",
                $"--{AttestationTelemetry.AuthenticationStringSetting}={authenticationString}",
            ]);
        using (var response = await backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(backend.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));

        var tracks = ingestion.Requests.Where(r => r.Path.Contains("/track", StringComparison.Ordinal)).ToList();
        Assert.Contains(tracks, r => r.Body.Contains("attestation.attestations", StringComparison.Ordinal));
        Assert.All(tracks, r => Assert.Equal($"Bearer {RecordingCredential.Token}", r.Authorization));
        Assert.Contains("https://monitor.azure.com//.default", credential.Scopes);
    }

    [Fact]
    public void OnlyAuthorizationAadInTheAuthenticationStringAsksForEntraId()
    {
        Assert.True(AttestationTelemetry.UsesEntraId("ClientId=abc; Authorization = AAD "));
        Assert.False(AttestationTelemetry.UsesEntraId(null));
        Assert.False(AttestationTelemetry.UsesEntraId(""));
        Assert.False(AttestationTelemetry.UsesEntraId("ClientId=abc"));
        Assert.False(AttestationTelemetry.UsesEntraId("Authorization=Key"));
        Assert.False(AttestationTelemetry.UsesEntraId("Authorization"));
    }

    /// <summary>A FAKE credential: hands out one fixed token and records the scopes it was asked for.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public const string Token = "fake-monitor-access-token";

        public ConcurrentBag<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                Scopes.Add(scope);
            }

            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
