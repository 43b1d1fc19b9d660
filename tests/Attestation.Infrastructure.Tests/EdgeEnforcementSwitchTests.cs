using System.Xml.Linq;
using Attestation.Infrastructure.Tests.Apim;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The edge's enforcement switch, the named value <c>attestation-token-enforce</c> (main.bicep's tokenEnforce): "true" by
/// default runs validate-jwt; "false" runs nothing that refuses and marks the request for the API behind, like
/// Attestation.AspNetCore's <c>Enforce = false</c>.
/// </summary>
public sealed class EdgeEnforcementSwitchTests
{
    [Fact]
    public async Task TheTemplateCreatesTheSwitchOnByDefaultAndOffWhenAsked()
    {
        var byDefault = await TemplateSnapshot.GetAsync([("deploySampleApi", "true")]);
        var off = await TemplateSnapshot.GetAsync([("deploySampleApi", "true"), ("tokenEnforce", "false")]);

        Assert.Equal("true", byDefault.PlainNamedValues()["attestation-token-enforce"]);
        Assert.Equal("false", off.PlainNamedValues()["attestation-token-enforce"]);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task TheFragmentValidatesOnlyWhileTheSwitchIsOn(string enforce, bool validates)
    {
        var fragment = await DeployedFragmentAsync(enforce);
        var choose = fragment.Element("choose")!;

        var on = PolicyExpression.Evaluate<bool>(Expression(choose.Element("when")!), Context());

        Assert.Equal(validates, on);
        Assert.Single(choose.Element("when")!.Elements("validate-jwt"));
        Assert.Empty(choose.Element("otherwise")!.Descendants("validate-jwt"));
        Assert.Empty(fragment.Elements("validate-jwt"));
    }

    [Fact]
    public async Task OffMarksTheRequestForTheApiBehindAndTracesIt()
    {
        var otherwise = (await DeployedFragmentAsync("false")).Element("choose")!.Element("otherwise")!;

        var header = otherwise.Element("set-header")!;
        Assert.Equal("Attestation-Token-Enforcement", (string?)header.Attribute("name"));
        Assert.Equal("off", header.Element("value")!.Value);
        Assert.Equal("attestation-token", (string?)otherwise.Element("trace")!.Attribute("source"));
        Assert.Empty(otherwise.Descendants("return-response"));
    }

    [Fact]
    public void OffSkipsTheBindingCheckWhichHasNoValidatedTokenToRead()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["attestation-token-enforce"] = "false" };
        var condition = Expression(PolicyFile.Load("check-attestation-token-binding.xml", values).Descendants("when").Single());

        // No "attestation-token" variable: with the switch off validate-jwt never ran.
        Assert.False(PolicyExpression.Evaluate<bool>(condition, Context()));
    }

    private static async Task<XElement> DeployedFragmentAsync(string enforce)
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var values = new Dictionary<string, string>(kit.NamedValues, StringComparer.Ordinal) { ["attestation-token-enforce"] = enforce };
        var snapshot = await TemplateSnapshot.GetAsync([("deploySampleApi", "true")]);
        return PolicyFile.Parse(snapshot.PolicyText("Microsoft.ApiManagement/service/policyFragments", EdgeTokenKit.SampleFragment)!, values, EdgeTokenKit.SampleFragment);
    }

    private static string Expression(XElement when) => (string)when.Attribute("condition")!;

    private static ApimContext Context() => new(new ApimRequest(new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)));
}
