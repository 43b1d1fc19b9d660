using System.Net;
using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Endpoints.Operators;

/// <summary>
/// Mutated app policies (<see cref="JsonBodyMutator"/>, fixed seeds) sent to the admin API's create and replace routes by
/// an administrator who may also grant debug access, starting from the demo app's full policy (every platform's section):
/// the answer is one of the routes' statuses and, for an error, one of their documented codes (README, "Admin API");
/// never a 500.
/// </summary>
public class AdminMutatedRequestTests(EntraIdBackendFixture fixture) : IClassFixture<EntraIdBackendFixture>
{
    private const string Apps = "/api/v1/admin/apps";
    private const int Cases = 80;

    private static readonly HttpStatusCode[] Statuses =
    [
        HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound,
        HttpStatusCode.Conflict, HttpStatusCode.RequestEntityTooLarge,
    ];

    private static readonly string[] Codes = ["invalid_request", "forbidden", "app_exists", "app_changed", "app_unknown"];

    [Theory]
    [InlineData("POST", 21)]
    [InlineData("PUT", 22)]
    public async Task NoMutatedAppPolicyEndsInAServerErrorOrAnUndocumentedCode(string method, int seed)
    {
        using var demo = await fixture.AdminAsync(HttpMethod.Get, $"{Apps}/{RunningBackend.DemoApp}");
        var policy = JsonNode.Parse(await demo.Content.ReadAsStringAsync())!.AsObject();
        var replaced = $"com.test.fuzz{Guid.NewGuid():N}";
        if (method == "PUT")
        {
            using var created = await fixture.DebugGrantorAsync(HttpMethod.Post, Apps, WithAppId(policy, replaced));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            async i =>
            {
                var appId = method == "PUT" ? replaced : $"com.test.fuzz{seed}x{i}";
                var body = JsonBodyMutator.Mutate(WithAppId(policy, appId), random);

                using var response = await fixture.DebugGrantorAsync(new HttpMethod(method), method == "PUT" ? $"{Apps}/{appId}" : Apps, new ByteArrayContent(body));

                var text = await response.Content.ReadAsStringAsync();
                var shown = $"seed {seed} #{i} {(int)response.StatusCode}: {text}";
                Assert.True(Statuses.Contains(response.StatusCode), shown);
                if ((int)response.StatusCode >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.True(Codes.Contains(JsonNode.Parse(text)?["code"]?.GetValue<string>()), shown);
                }
            },
            $"{method} seed {seed}");
    }

    private static JsonObject WithAppId(JsonObject policy, string appId)
    {
        var copy = policy.DeepClone().AsObject();
        copy["appId"] = appId;
        return copy;
    }
}
