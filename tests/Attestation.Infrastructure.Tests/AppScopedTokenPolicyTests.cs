using System.Xml.Linq;
using Attestation.Core.Tokens;
using Attestation.Infrastructure.Tests.Apim;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Issue 16, finding 1, at the edge: every app of a deployment shares the issuer, the audience and the keys, so an API
/// must name the apps it serves. The token fragment is made per set of apps by infra/modules/attestation-token-fragment.bicep;
/// these tests run the fragment and the on-error fragment as <c>bicep snapshot</c> says the template would deploy them,
/// and show a token of another app (or platform) refused 401 problem+json where the backend's verify, given the same
/// scope, refuses it too.
/// </summary>
public sealed class AppScopedTokenPolicyTests
{
    private const string Fragments = "Microsoft.ApiManagement/service/policyFragments";

    [Fact]
    public async Task ATokenOfTheAppTheApiServesPasses()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var outcome = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current));

        Assert.True(outcome.Passed, outcome.Failure?.ToString());
    }

    [Fact]
    public async Task ATokenOfAnotherAppOfTheSameDeploymentIsRefused401ProblemJsonAsTheBackendRefusesIt()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current, app: "com.contoso.decoy");

        var outcome = await kit.AtTheEdgeAsync(token);
        var backend = await kit.AtTheBackendAsync(token, scope: TokenScope.Create(EdgeTokenKit.AppId, null));

        Assert.Equal(ValidateJwtFailure.TokenClaimValueNotAllowed, outcome.Failure);
        Assert.Equal(TokenRefusal.WrongApp, backend.Refusal);
        await AssertAnsweredWithTheProblemAsync(kit);
    }

    [Fact]
    public async Task AnAppIdThatOnlyContainsTheServedOneIsRefused()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        var prefixed = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, app: "TEAMID." + EdgeTokenKit.AppId));
        var suffixed = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, app: EdgeTokenKit.AppId + ".other"));

        Assert.Equal(ValidateJwtFailure.TokenClaimValueNotAllowed, prefixed.Failure);
        Assert.Equal(ValidateJwtFailure.TokenClaimValueNotAllowed, suffixed.Failure);
    }

    [Fact]
    public async Task AnApiForSeveralAppsAcceptsEachOfThemAndNoOther()
    {
        var kit = await EdgeTokenKit.CreateAsync(("sampleApiAppIds", "'com.contoso.demo, TEAMID.com.contoso.orders'"));

        Assert.True((await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current))).Passed);
        Assert.True((await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, app: "TEAMID.com.contoso.orders"))).Passed);
        Assert.Equal(ValidateJwtFailure.TokenClaimValueNotAllowed, (await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, app: "com.contoso.decoy"))).Failure);
    }

    [Fact]
    public async Task WithPlatformsGivenATokenOfAnotherPlatformIsRefusedAsTheBackendRefusesIt()
    {
        var kit = await EdgeTokenKit.CreateAsync(("sampleApiPlatforms", "'android-key-attestation,play-integrity'"));
        var apple = kit.Issue(EdgeTokenKit.Current, platform: "apple-app-attest");

        var refused = await kit.AtTheEdgeAsync(apple);
        var passed = await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, platform: "play-integrity"));
        var backend = await kit.AtTheBackendAsync(apple, scope: TokenScope.Create(EdgeTokenKit.AppId, ["android-key-attestation", "play-integrity"]));

        Assert.Equal(ValidateJwtFailure.TokenClaimValueNotAllowed, refused.Failure);
        Assert.True(passed.Passed, passed.Failure?.ToString());
        Assert.Equal(TokenRefusal.WrongPlatform, backend.Refusal);
    }

    [Fact]
    public async Task WithoutPlatformsEveryPlatformOfTheAppPasses()
    {
        var kit = await EdgeTokenKit.CreateAsync();

        foreach (var platform in new[] { "apple-app-attest", "android-key-attestation", "play-integrity" })
        {
            Assert.True((await kit.AtTheEdgeAsync(kit.Issue(EdgeTokenKit.Current, platform: platform))).Passed, platform);
        }
    }

    [Fact]
    public async Task EveryTokenCheckTheTemplateDeploysNamesAtLeastOneAppAndNoUnscopedFragmentIsLeft()
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));

        var policies = snapshot.OfType(Fragments).Concat(snapshot.OfType("Microsoft.ApiManagement/service/apis/policies"))
            .Select(r => XElement.Parse(r["properties"]!["value"]!.GetValue<string>())).ToList();
        var validateJwts = policies.SelectMany(p => p.Descendants("validate-jwt")).ToList();

        Assert.NotEmpty(validateJwts);
        Assert.All(validateJwts, v => Assert.NotEmpty(v.Descendants("claim").Single(c => (string?)c.Attribute("name") == "app").Elements("value")));
        Assert.Null(snapshot.Find(Fragments, "validate-attestation-token"));
    }

    [Fact]
    public async Task AnEmptyAppListStopsTheDeploymentInsteadOfOpeningTheApiToEveryApp()
    {
        var commas = await TemplateSnapshot.TryAsync(("environmentName", "'snap'"), ("location", "'westeurope'"), ("signingSecretReady", "true"), ("deploySampleApi", "true"), ("sampleApiAppIds", "' , '"));
        var template = await CompiledTemplate.GetAsync();

        Assert.NotEqual(0, commas.ExitCode);
        Assert.Contains("'sampleApiAppIds' is not valid", commas.StandardOutput + commas.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, template.Module("api-management")["parameters"]!["sampleApiAppIds"]!["minLength"]!.GetValue<int>());
    }

    [Fact]
    public async Task AppIdsAreEscapedSoTheyCannotChangeThePolicy()
    {
        var kit = await EdgeTokenKit.CreateAsync(("sampleApiAppIds", "'com.contoso.demo</value></claim><claim name=\"x\"><value>&'"));

        var app = kit.Policy().RequiredClaims.Single(c => c.Name == "app");

        Assert.Equal(["com.contoso.demo</value></claim><claim name=\"x\"><value>&"], app.Values);
        Assert.Equal(["sub", "app", "plat", "jti"], kit.Policy().RequiredClaims.Select(c => c.Name));
    }

    /// <summary>The on-error fragment, as deployed, answers a refusal of the token fragment's validate-jwt with 401 problem+json.</summary>
    private static async Task AssertAnsweredWithTheProblemAsync(EdgeTokenKit kit)
    {
        var snapshot = await TemplateSnapshot.GetAsync(("deploySampleApi", "true"));
        var problem = XElement.Parse(snapshot.PolicyText(Fragments, "attestation-token-problem")!);
        var error = new ApimLastError("validate-jwt", nameof(ValidateJwtFailure.TokenClaimValueNotAllowed), "Claim value not allowed.", kit.Policy().Id);

        var condition = (string)problem.Descendants("when").Single().Attribute("condition")!;

        Assert.True(PolicyExpression.Evaluate<bool>(condition, new ApimContext(new ApimRequest(kit.Headers("t")), lastError: error)));
        TokenBindingPolicyTests.AssertProblem(problem.Descendants("return-response").Single(), 401, "attestation_token_invalid");
    }
}
