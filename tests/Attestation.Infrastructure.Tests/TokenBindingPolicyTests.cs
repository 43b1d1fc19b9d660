using System.Text.Json;
using System.Xml.Linq;
using Attestation.Core.Text;
using Attestation.Infrastructure.Tests.Apim;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// The binding check of infra/policies/check-attestation-token-binding.xml: its condition, compiled from the file with
/// Roslyn, refuses exactly the requests whose Authorization header does not hash to the token's pay claim, as the backend
/// does for verify with a binding.
/// </summary>
public sealed class TokenBindingPolicyTests
{
    private const string Authorization = "Bearer eyJ.session.token";

    [Fact]
    public async Task ATokenBoundToThisAuthorizationHeaderPasses()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current, binding: Base64Flexible.Sha256Base64Url(Authorization));

        Assert.False(await RefusedAsync(kit, token, Authorization));
        Assert.True((await kit.AtTheBackendAsync(token, Authorization)).IsValid);
    }

    [Fact]
    public async Task ATokenBoundToAnotherAuthorizationHeaderIsRefused()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current, binding: Base64Flexible.Sha256Base64Url(Authorization));

        Assert.True(await RefusedAsync(kit, token, "Bearer another.session"));
        Assert.False((await kit.AtTheBackendAsync(token, "Bearer another.session")).IsValid);
    }

    [Fact]
    public async Task ATokenWithoutPayIsRefused()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current);

        Assert.True(await RefusedAsync(kit, token, Authorization));
        Assert.False((await kit.AtTheBackendAsync(token, Authorization)).IsValid);
    }

    [Fact]
    public async Task ARequestWithoutAnAuthorizationHeaderIsRefused()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        var token = kit.Issue(EdgeTokenKit.Current, binding: Base64Flexible.Sha256Base64Url(Authorization));

        Assert.True(await RefusedAsync(kit, token, authorization: null));
    }

    [Fact]
    public async Task PayIsComparedAsBase64UrlNotStandardBase64()
    {
        var kit = await EdgeTokenKit.CreateAsync();
        // An Authorization value whose SHA-256 has characters that differ between the alphabets.
        var authorization = Enumerable.Range(0, 100).Select(i => $"Bearer value-{i}")
            .First(v => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(v))).IndexOfAny(['+', '/']) >= 0);
        var standard = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(authorization)));

        Assert.False(await RefusedAsync(kit, kit.Issue(EdgeTokenKit.Current, binding: Base64Flexible.Sha256Base64Url(authorization)), authorization));
        Assert.True(await RefusedAsync(kit, kit.Issue(EdgeTokenKit.Current, binding: standard), authorization));
    }

    [Fact]
    public void TheRefusalIs401ProblemJsonWithTheBackendsShape()
    {
        var returnResponse = Fragment().Descendants("return-response").Single();

        AssertProblem(returnResponse, 401, "attestation_token_invalid");
    }

    [Fact]
    public async Task TheBindingFragmentReadsTheTokenThatValidateJwtStored()
    {
        var validateJwt = (await EdgeTokenKit.CreateAsync()).Policy();

        Assert.Contains($"context.Variables[\"{validateJwt.OutputVariable}\"]", Condition(), StringComparison.Ordinal);
    }

    /// <summary>Asserts a return-response is a problem+json answer with the given status and code.</summary>
    internal static void AssertProblem(XElement returnResponse, int status, string code)
    {
        Assert.Equal(status, (int)returnResponse.Element("set-status")!.Attribute("code")!);
        var contentType = returnResponse.Elements("set-header").Single(h => (string?)h.Attribute("name") == "Content-Type").Element("value")!.Value;
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(returnResponse.Element("set-body")!.Value);
        Assert.Equal(status, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(code, body.RootElement.GetProperty("code").GetString());

        // docs/api.md, "What the app does next": a token refused at an API means get a new token and retry once.
        Assert.Equal("attest", body.RootElement.GetProperty("action").GetString());
        Assert.Equal($"urn:attestation:problem:{code}", body.RootElement.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("detail").GetString()));
    }

    private static XElement Fragment() => PolicyFile.LoadUnresolved("check-attestation-token-binding.xml");

    private static string Condition() => (string)Fragment().Descendants("when").Single().Attribute("condition")!;

    /// <summary>Runs validate-jwt, then the binding condition on what it stored: true when the request is refused.</summary>
    private static async Task<bool> RefusedAsync(EdgeTokenKit kit, string token, string? authorization)
    {
        var policy = kit.Policy();
        var headers = kit.Headers(token, authorization);
        var outcome = await policy.EvaluateAsync(headers, kit.Clock.GetUtcNow());
        Assert.True(outcome.Passed, outcome.Failure?.ToString());
        var context = new ApimContext(
            new ApimRequest(headers),
            new Dictionary<string, object>(StringComparer.Ordinal) { [policy.OutputVariable!] = outcome.Token! });
        return PolicyExpression.Evaluate<bool>(Condition(), context);
    }
}
