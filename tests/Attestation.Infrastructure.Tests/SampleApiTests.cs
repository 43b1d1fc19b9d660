using System.Xml.Linq;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Issue 16, finding 2, infrastructure part: the sample protected API answers anyone holding a token with the token's
/// claims, so it is deployed only when asked for (deploySampleApi, false by default), behind a subscription key, with a
/// per-subscription rate limit every SKU has, and the SAMPLE_PROTECTED_API_URL output is empty when it is not deployed.
/// Read from what <c>bicep snapshot</c> says the template would deploy.
/// </summary>
public sealed class SampleApiTests
{
    private const string Apis = "Microsoft.ApiManagement/service/apis";

    [Fact]
    public async Task TheSampleApiIsOffByDefault()
    {
        var template = await CompiledTemplate.GetAsync();
        var snapshot = await TemplateSnapshot.GetAsync();

        Assert.False(template.DefaultOf("deploySampleApi")!.GetValue<bool>());
        Assert.Equal("${DEPLOY_SAMPLE_API=false}", ParametersFileValue("deploySampleApi"));
        Assert.Null(snapshot.Find(Apis, "sample-protected"));
        Assert.Null(snapshot.Find("Microsoft.ApiManagement/service/subscriptions", "sample-protected"));
        Assert.Null(snapshot.Find("Microsoft.ApiManagement/service/policyFragments", EdgeTokenKit.SampleFragment));
        Assert.NotNull(snapshot.Find(Apis, "attestation"));
    }

    [Fact]
    public async Task WithoutTheSampleApiItsUrlOutputIsEmptyRatherThanAnAddressThatAnswers404()
    {
        var off = await TemplateSnapshot.GetAsync();
        var firstPass = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"), ("signingSecretReady", "false"));
        var on = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));

        Assert.Equal("", off.Outputs["SAMPLE_PROTECTED_API_URL"]!.GetValue<string>());
        Assert.Equal("", firstPass.Outputs["SAMPLE_PROTECTED_API_URL"]!.GetValue<string>());
        Assert.Null(firstPass.Find(Apis, "sample-protected"));
        Assert.Contains("/sample'", on.Outputs["SAMPLE_PROTECTED_API_URL"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenDeployedTheSampleApiNeedsASubscriptionKeyOfItsOwnSubscription()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));

        var api = snapshot.Find(Apis, "sample-protected")!;
        var subscription = snapshot.Find("Microsoft.ApiManagement/service/subscriptions", "sample-protected")!;

        Assert.True(api["properties"]!["subscriptionRequired"]!.GetValue<bool>());
        Assert.Equal("/apis/sample-protected", subscription["properties"]!["scope"]!.GetValue<string>());
        // API Management generates the keys: none is in the template.
        Assert.Null(subscription["properties"]!["primaryKey"]);
        Assert.Null(subscription["properties"]!["secondaryKey"]);
    }

    [Fact]
    public async Task TheSampleApiCountsCallsPerSubscriptionWithAPolicyTheConsumptionTierHas()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));
        var policy = XElement.Parse(snapshot.OfType("Microsoft.ApiManagement/service/apis/policies")
            .Single(p => p["name"]!.GetValue<string>().Contains("/sample-protected/", StringComparison.Ordinal))["properties"]!["value"]!.GetValue<string>());

        var rateLimit = Assert.Single(policy.Descendants("rate-limit"));

        Assert.Empty(policy.Descendants("rate-limit-by-key"));
        Assert.Equal("{{attestation-subscription-calls-per-minute}}", (string?)rateLimit.Attribute("calls"));
        Assert.Equal("600", snapshot.PlainNamedValues()["attestation-subscription-calls-per-minute"]);
        Assert.Equal("rate-limit", policy.Element("inbound")!.Elements().Skip(1).First().Name.LocalName);
    }

    private static string ParametersFileValue(string parameter) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Attestation.TestSupport.RepositoryPaths.Root, "infra", "main.parameters.json")))!
            ["parameters"]![parameter]!["value"]!.GetValue<string>();
}
