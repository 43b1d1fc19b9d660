using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Azure.Functions.Worker;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Issue 16, finding 4, infrastructure part: the Function App answers only requests that API Management forwards, so the
/// edge's rate limits cannot be gone round by calling the app's own host name. App Service's access restrictions let
/// through only requests whose X-Azure-FDID is the edge id, which every API Management policy that forwards to the app
/// sets (overriding a caller's own value); verify and the admin API are therefore published through API Management too,
/// route for route, with their own checks left to the backend.
/// </summary>
public sealed class FunctionAppAccessTests
{
    private const string EdgeHeader = "X-Azure-FDID";

    [Fact]
    public async Task TheFunctionAppRefusesEveryRequestThatLacksTheEdgeId()
    {
        var snapshot = await TemplateSnapshot.GetAsync();
        var siteConfig = snapshot.OfType("Microsoft.Web/sites").Single()["properties"]!["siteConfig"]!;

        var rules = siteConfig["ipSecurityRestrictions"]!.AsArray().Select(r => r!.AsObject()).ToList();

        Assert.Equal("Deny", siteConfig["ipSecurityRestrictionsDefaultAction"]!.GetValue<string>());
        Assert.Equal(["0.0.0.0/0", "::/0"], rules.Select(r => r["ipAddress"]!.GetValue<string>()));
        Assert.All(rules, rule =>
        {
            Assert.Equal("Allow", rule["action"]!.GetValue<string>());
            var header = Assert.Single(rule["headers"]!.AsObject());
            Assert.Equal(EdgeHeader, header.Key, ignoreCase: true);
            Assert.Single(header.Value!.AsArray());
        });
        // Deployments go to the Kudu site with Entra ID, not through API Management.
        Assert.False(siteConfig["scmIpSecurityRestrictionsUseMain"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheEdgeIdTheAppRequiresIsTheOneApiManagementSendsAndNoKeyIsStoredForIt()
    {
        var template = await CompiledTemplate.GetAsync();
        var functionApp = template.Module("function-app");
        var apiManagement = template.Module("api-management");

        var required = template.OnlyOne("Microsoft.Web/sites").Properties!["siteConfig"]!["ipSecurityRestrictions"]!.AsArray()
            .Select(r => r!["headers"]!["x-azure-fdid"]!.AsArray().Single()!.GetValue<string>()).Distinct().Single();
        var sent = template.OfType("Microsoft.ApiManagement/service/namedValues").Single(v => v.Properties!["displayName"]?.GetValue<string>() == "attestation-edge-id");

        Assert.Equal("[parameters('edgeId')]", required);
        Assert.Equal("[parameters('edgeId')]", sent.Properties!["value"]!.GetValue<string>());
        Assert.Equal("string", functionApp["parameters"]!["edgeId"]!["type"]!.GetValue<string>());
        Assert.Equal("string", apiManagement["parameters"]!["edgeId"]!["type"]!.GetValue<string>());
        // One value for both sides, derived from the two identities' object ids: stable across provisions, nothing to
        // create, store or rotate, and no parameter a deployer could leave empty.
        var toFunctionApp = template.ModuleArguments("function-app")["edgeId"]!["value"]!.GetValue<string>();
        var toApiManagement = template.ModuleArguments("api-management")["edgeId"]!["value"]!.GetValue<string>();
        Assert.Equal(toFunctionApp, toApiManagement);
        Assert.StartsWith("[guid(reference(", toFunctionApp, StringComparison.Ordinal);
        Assert.Contains("apiManagementIdentityPrincipalId", toFunctionApp, StringComparison.Ordinal);
        Assert.Contains("functionIdentityPrincipalId", toFunctionApp, StringComparison.Ordinal);
        Assert.Null(template.Root["parameters"]!["edgeId"]);
    }

    [Fact]
    public async Task EveryApiThatForwardsToTheFunctionAppSendsTheEdgeIdOverACallersOwnValue()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));
        var forwarding = snapshot.OfType("Microsoft.ApiManagement/service/apis")
            .Where(a => a["properties"]!["serviceUrl"]?.GetValue<string>().Contains("Microsoft.Web/sites", StringComparison.Ordinal) == true)
            .Select(a => a["name"]!.GetValue<string>().Split('/')[^1]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["attestation", "attestation-operators"], forwarding);
        foreach (var api in forwarding)
        {
            var inbound = ApiPolicy(snapshot, api).Element("inbound")!;
            var setHeader = Assert.Single(inbound.Elements("set-header"), h => string.Equals((string?)h.Attribute("name"), EdgeHeader, StringComparison.OrdinalIgnoreCase));
            Assert.Equal("override", (string?)setHeader.Attribute("exists-action"));
            Assert.Equal("{{attestation-edge-id}}", setHeader.Element("value")!.Value);
            Assert.Equal("attestation-functions", (string?)inbound.Element("set-backend-service")!.Attribute("backend-id"));
        }

        // The sample API forwards nowhere: it answers from the policy.
        Assert.DoesNotContain(ApiPolicy(snapshot, "sample-protected").Descendants(), e => e.Name.LocalName == "set-backend-service");
    }

    [Fact]
    public async Task EveryFunctionRouteButHealthIsPublishedThroughApiManagementOnceOnTheRightApi()
    {
        var template = await CompiledTemplate.GetAsync();
        var variables = template.Module("api-management")["variables"]!;
        var routes = typeof(Attestation.Functions.Endpoints.Apis.VerifyFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
            .OfType<HttpTriggerAttribute>()
            .Where(a => a.Route != "health")
            .SelectMany(a => a.Methods!.Select(m => $"{m.ToUpperInvariant()} /{a.Route}"))
            .ToList();

        var devices = Operations(variables["attestationOperations"]!, method: null);
        var operators = Operations(variables["operatorOperations"]!, method: null);

        Assert.Equal(routes.Order(StringComparer.Ordinal), devices.Concat(operators).Order(StringComparer.Ordinal));
        Assert.All(devices, d => Assert.DoesNotContain("/admin/", d, StringComparison.Ordinal));
        Assert.All(devices, d => Assert.DoesNotContain("/verify", d, StringComparison.Ordinal));
        Assert.All(devices, d => Assert.Matches("^(POST /v1/|GET /\\.well-known/)", d));
        Assert.All(operators, o => Assert.Matches("^[A-Z]+ /v1/(verify|admin/.+)$", o));
    }

    [Fact]
    public async Task VerifyAndTheAdminApiKeepTheBackendsChecksAloneWithoutAPerIpLimitOrASubscription()
    {
        var snapshot = await TemplateSnapshot.GetAsync();

        var api = snapshot.Find("Microsoft.ApiManagement/service/apis", "attestation-operators")!;
        var policy = ApiPolicy(snapshot, "attestation-operators");

        Assert.False(api["properties"]!["subscriptionRequired"]!.GetValue<bool>());
        Assert.DoesNotContain(policy.Descendants(), e => e.Name.LocalName is "rate-limit-by-key" or "rate-limit" or "validate-jwt" or "validate-azure-ad-token");
        Assert.Contains("attestation-operators", snapshot.Outputs["ATTESTATION_OPERATORS_API_URL"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static XElement ApiPolicy(TemplateSnapshot snapshot, string api) =>
        XElement.Parse(snapshot.OfType("Microsoft.ApiManagement/service/apis/policies")
            .Single(p => p["name"]!.GetValue<string>().EndsWith($"/{api}/policy", StringComparison.Ordinal))["properties"]!["value"]!.GetValue<string>());

    private static List<string> Operations(JsonNode operations, string? method) =>
        operations.AsArray().Select(o => $"{method ?? o!["method"]!.GetValue<string>()} {o!["urlTemplate"]!.GetValue<string>()}").ToList();
}
