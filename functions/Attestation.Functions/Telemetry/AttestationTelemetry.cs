using Attestation.Core.Telemetry;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Attestation.Functions.Telemetry;

/// <summary>
/// Exports the <see cref="AttestationMetrics"/> instruments with OpenTelemetry to Azure Monitor (Application Insights'
/// <c>customMetrics</c>), and only when <see cref="ConnectionStringSetting"/> is set: without it no OpenTelemetry provider is
/// registered and nothing tries to export (the local run, the tests). With <see cref="AuthenticationStringSetting"/> set to
/// <c>Authorization=AAD</c> the exporter authenticates with the backend's <see cref="TokenCredential"/>. The instruments exist either way, so a local
/// <c>dotnet-counters monitor --counters Attestation</c> still sees them.
/// </summary>
/// <remarks>
/// Only metrics go through OpenTelemetry. Logs keep the Functions host's path to Application Insights (the worker's ILogger
/// output is forwarded to the host), so exporting them here too would count every line twice.
/// </remarks>
public static class AttestationTelemetry
{
    /// <summary>The app setting Azure Functions and Application Insights use for the connection string.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The app setting that tells Application Insights clients how to authenticate: <c>Authorization=AAD</c> (with an optional
    /// <c>ClientId=</c> of a user-assigned identity) when the component refuses local (instrumentation key) authentication.
    /// </summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The OpenTelemetry service name (Application Insights' cloud role name).</summary>
    public const string ServiceName = "attestation-backend";

    /// <summary>Registers the OpenTelemetry metrics pipeline with the Azure Monitor exporter when the connection string is set.</summary>
    public static IServiceCollection AddAttestationTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // IMeterFactory, which AttestationMetrics needs; the hosts register it already, this keeps the backend self-contained.
        services.AddMetrics();

        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(AttestationMetrics.MeterName)
                .AddAzureMonitorMetricExporter(options => options.ConnectionString = connectionString));

        // The exporter reads no authentication string itself: without a credential its exports to a component with local
        // authentication disabled are refused. The backend's one TokenCredential is the identity the string names (the
        // infrastructure sets AZURE_CLIENT_ID and the string's ClientId to the same user-assigned identity).
        if (UsesEntraId(configuration[AuthenticationStringSetting]))
        {
            services.AddOptions<AzureMonitorExporterOptions>()
                .Configure<TokenCredential>((options, credential) => options.Credential = credential);
        }

        return services;
    }

    /// <summary>Whether an authentication string (<c>Key=Value;...</c>, keys and values case-insensitive) says <c>Authorization=AAD</c>.</summary>
    public static bool UsesEntraId(string? authenticationString) =>
        !string.IsNullOrWhiteSpace(authenticationString)
        && authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Any(pair => pair.Length == 2
                && pair[0].Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                && pair[1].Equals("AAD", StringComparison.OrdinalIgnoreCase));
}
