using System.Text.RegularExpressions;
using System.Xml.Linq;
using Attestation.Infrastructure.Tests.Apim;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The policy files fit together and fit API Management: fragments are valid fragments, every named value they use is
/// created by the template, the sample API includes the fragments the template creates, and the on-error fragment
/// answers for exactly the validate-jwt of the token fragment.
/// </summary>
public sealed partial class PolicyFileTests
{
    private static readonly string[] Fragments =
    [
        "validate-attestation-token.xml",
        "check-attestation-token-binding.xml",
        "attestation-token-problem.xml",
    ];

    [Fact]
    public void EveryPolicyFileIsWellFormedXml()
    {
        var files = Directory.GetFiles(PolicyFile.Folder, "*.xml");

        Assert.Equal(8, files.Length);
        Assert.All(files, f => XElement.Parse(File.ReadAllText(f)));
    }

    [Theory]
    [InlineData("validate-attestation-token.xml")]
    [InlineData("check-attestation-token-binding.xml")]
    [InlineData("attestation-token-problem.xml")]
    public void EachFragmentMeetsApiManagementsFragmentRules(string file)
    {
        var fragment = PolicyFile.LoadUnresolved(file);

        // A fragment: one <fragment> root, no policy section and no <base/>, at most 32 KB.
        Assert.Equal("fragment", fragment.Name.LocalName);
        Assert.DoesNotContain(fragment.Descendants(), e => e.Name.LocalName is "inbound" or "outbound" or "backend" or "on-error" or "base");
        Assert.True(PolicyFile.Text(file).Length < 32 * 1024);
    }

    [Fact]
    public async Task EveryNamedValueThatAPolicyUsesIsCreatedByTheTemplate()
    {
        var template = await CompiledTemplate.GetAsync();
        var created = template.Module("api-management")["variables"]!["plainNamedValues"]!.AsObject().Select(p => p.Key)
            .Concat(template.OfType("Microsoft.ApiManagement/service/namedValues").Select(v => v.Properties!["displayName"]!.GetValue<string>())
                .Where(name => !name.StartsWith('[')))
            .ToHashSet(StringComparer.Ordinal);

        var used = Directory.GetFiles(PolicyFile.Folder, "*.xml").SelectMany(f => PolicyFile.NamedValueReferences(Path.GetFileName(f))).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(created, used);
        Assert.Equal(created.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheSampleApiIncludesTheTemplatesFragmentsInTheRightPlaces()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));
        var fragmentNames = snapshot.OfType("Microsoft.ApiManagement/service/policyFragments")
            .Select(f => f["name"]!.GetValue<string>().Split('/')[^1]).ToHashSet(StringComparer.Ordinal);
        var sample = XElement.Parse(snapshot.OfType("Microsoft.ApiManagement/service/apis/policies")
            .Single(p => p["name"]!.GetValue<string>().Contains("/sample-protected/", StringComparison.Ordinal))["properties"]!["value"]!.GetValue<string>());

        var inbound = sample.Element("inbound")!.Elements("include-fragment").Select(e => (string)e.Attribute("fragment-id")!).ToArray();
        var onError = sample.Element("on-error")!.Elements("include-fragment").Select(e => (string)e.Attribute("fragment-id")!).ToArray();

        Assert.Equal(["validate-attestation-token-sample", "check-attestation-token-binding"], inbound);
        Assert.Equal(["attestation-token-problem"], onError);
        Assert.Subset(fragmentNames, inbound.Concat(onError).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(Fragments.Length, fragmentNames.Count);
    }

    [Fact]
    public void TheOnErrorFragmentAnswersForTheTokenFragmentsValidateJwtOnly()
    {
        var validateJwtId = (string)PolicyFile.LoadUnresolved("validate-attestation-token.xml").Descendants("validate-jwt").Single().Attribute("id")!;
        var condition = ProblemCondition();

        Assert.True(PolicyExpression.Evaluate<bool>(condition, OnError(new ApimLastError("validate-jwt", "TokenExpired", "expired", validateJwtId))));
        Assert.True(PolicyExpression.Evaluate<bool>(condition, OnError(new ApimLastError("validate-jwt", "TokenNotPresent", "JWT not present.", validateJwtId))));
        Assert.False(PolicyExpression.Evaluate<bool>(condition, OnError(new ApimLastError("validate-jwt", "TokenExpired", "expired", "another-validate-jwt"))));
        Assert.False(PolicyExpression.Evaluate<bool>(condition, OnError(new ApimLastError("forward-request", "Timeout", "timeout", null))));
        Assert.False(PolicyExpression.Evaluate<bool>(condition, OnError(null)));
    }

    [Fact]
    public void ARefusedTokenBecomes401ProblemJson()
    {
        var returnResponse = PolicyFile.LoadUnresolved("attestation-token-problem.xml").Descendants("return-response").Single();

        TokenBindingPolicyTests.AssertProblem(returnResponse, 401, "attestation_token_invalid");
    }

    [Fact]
    public async Task ThePerDeviceRateLimitCountsCallsByTheTokensSubject()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var rateLimit = PolicyFile.Load("per-device-rate-limit.xml", kit.NamedValues);
        var policy = kit.Policy();
        var outcome = await policy.EvaluateAsync(kit.Headers(kit.Issue(EdgeTokenKit.Current)), kit.Clock.GetUtcNow());
        var context = new ApimContext(new ApimRequest(kit.Headers("t")), new Dictionary<string, object>(StringComparer.Ordinal) { [policy.OutputVariable!] = outcome.Token! });

        var key = PolicyExpression.Evaluate<string>((string)rateLimit.Attribute("counter-key")!, context);

        Assert.Equal("rate-limit-by-key", rateLimit.Name.LocalName);
        Assert.Equal($"device:{EdgeTokenKit.DeviceId}", key);
        Assert.Equal("120", (string?)rateLimit.Attribute("calls"));
    }

    [Fact]
    public void ThePerIpRateLimitCountsCallsByTheClientAddress()
    {
        var rateLimit = PolicyFile.LoadUnresolved("per-ip-rate-limit.xml");

        var key = PolicyExpression.Evaluate<string>((string)rateLimit.Attribute("counter-key")!, new ApimContext(new ApimRequest(new Dictionary<string, string[]>(), "198.51.100.4")));

        Assert.Equal("198.51.100.4", key);
    }

    [Theory]
    [InlineData("attestation-api.xml", "<!-- per-ip-rate-limit -->", "api-management")]
    [InlineData("validate-attestation-token.xml", "<!-- per-device-rate-limit -->", "sample-token-fragment")]
    [InlineData("validate-attestation-token.xml", "<!-- app-values -->", "sample-token-fragment")]
    [InlineData("validate-attestation-token.xml", "<!-- platform-values -->", "sample-token-fragment")]
    public async Task TheMarkersThatTheTemplateReplacesAreInTheFiles(string file, string marker, string module)
    {
        var template = await CompiledTemplate.GetAsync();

        Assert.Single(Regex.Matches(PolicyFile.Text(file), Regex.Escape(marker)));
        Assert.Contains($"'{marker}'", template.NestedModule(module)["variables"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }

    [Fact]
    public void TheAttestationApiForwardsToTheFunctionsBackend()
    {
        var policy = PolicyFile.LoadUnresolved("attestation-api.xml");

        Assert.Equal("attestation-functions", (string?)policy.Element("inbound")!.Element("set-backend-service")!.Attribute("backend-id"));
    }

    private static string ProblemCondition() =>
        (string)PolicyFile.LoadUnresolved("attestation-token-problem.xml").Descendants("when").Single().Attribute("condition")!;

    private static ApimContext OnError(ApimLastError? error) => new(new ApimRequest(new Dictionary<string, string[]>()), lastError: error);
}
