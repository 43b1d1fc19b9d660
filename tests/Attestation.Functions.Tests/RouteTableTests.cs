using System.Text.Json;
using Attestation.Functions.Endpoints.Devices;
using Attestation.LocalHost;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

/// <summary>The local host serves exactly the functions the Functions SDK declares to the Functions host.</summary>
public class RouteTableTests
{
    [Fact]
    public void TheLocalHostRoutesAreTheOnesInTheGeneratedFunctionsMetadata()
    {
        var metadataPath = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var declared = metadata.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal))))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => $"{f.Name} {string.Join(",", f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))} {f.Trigger.GetProperty("route").GetString()} {f.Trigger.GetProperty("authLevel").GetString()}")
            .Order(StringComparer.Ordinal);

        var served = FunctionCatalog.Discover(typeof(AttestFunction).Assembly).Http
            .Select(f => $"{f.Name} {string.Join(",", f.HttpMethods)} {f.Route} {f.AuthorizationLevel}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, served);
    }

    [Fact]
    public void TheRoutesAreTheContractsUnderTheHostJsonPrefix()
    {
        var prefix = LocalFunctionsHost.ReadRoutePrefix(Path.Combine(RepositoryPaths.Root, "host.json"));
        var routes = FunctionCatalog.Discover(typeof(AttestFunction).Assembly).Http
            .Select(f => $"{string.Join(",", f.HttpMethods)} /{prefix}/{f.Route}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "DELETE /api/v1/admin/apps/{appId}/debug-tokens/{tokenId}",
                "GET /api/.well-known/jwks.json",
                "GET /api/.well-known/openid-configuration",
                "GET /api/health",
                "GET /api/v1/admin/apps",
                "GET /api/v1/admin/apps/{appId}",
                "GET /api/v1/admin/apps/{appId}/devices",
                "GET /api/v1/admin/batch-certificates",
                "GET /api/v1/admin/devices/{deviceId}",
                "POST /api/v1/admin/apps",
                "POST /api/v1/admin/apps/{appId}/debug-tokens",
                "POST /api/v1/admin/apps/{appId}/devices/{deviceId}/restore",
                "POST /api/v1/admin/apps/{appId}/devices/{deviceId}/revoke",
                "POST /api/v1/attest",
                "POST /api/v1/challenge",
                "POST /api/v1/token/refresh",
                "POST /api/v1/verify",
                "PUT /api/v1/admin/apps/{appId}",
            ],
            routes);
    }

    [Fact]
    public void TheTimersAreDiscoveredWithTheirSchedules()
    {
        var timers = FunctionCatalog.Discover(typeof(AttestFunction).Assembly).Timers.ToDictionary(t => t.Name, t => FunctionCatalog.SimplePeriod(t.Schedule));

        Assert.Equal(2, timers.Count);
        Assert.Equal(TimeSpan.FromMinutes(15), timers["CleanupExpiredRecords"]);
        Assert.Equal(TimeSpan.FromMinutes(30), timers["RefreshAppleRiskMetrics"]);
    }

    [Theory]
    [InlineData("0 */5 * * * *", 300)]
    [InlineData("*/10 * * * * *", 10)]
    public void SimpleSchedulesHaveAPeriod(string schedule, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), FunctionCatalog.SimplePeriod(schedule));
    }

    [Fact]
    public void OtherSchedulesHaveNone()
    {
        Assert.Null(FunctionCatalog.SimplePeriod("0 30 9 * * 1-5"));
    }
}
