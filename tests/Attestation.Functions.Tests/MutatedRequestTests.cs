using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Attestation.Functions.Tests;

/// <summary>
/// Property: whatever a client sends, the backend answers with a contract status and, for every error, problem+json;
/// never a 500. Bodies are valid requests mutated at random (seeded, so a failure reproduces).
/// </summary>
public class MutatedRequestTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private static readonly HttpStatusCode[] ContractStatuses =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden,
        HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge,
    ];

    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1.5), JsonValue.Create(true), JsonValue.Create(""), JsonValue.Create("\u0000"),
        JsonValue.Create(new string('A', 5000)), JsonValue.Create("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), new JsonArray(), new JsonObject(),
        JsonValue.Create("debug"), JsonValue.Create("com.contoso.decoy"), JsonValue.Create("../../etc"), JsonValue.Create("a'b\"c"),
    ];

    private readonly RunningBackend _backend = fixture.Backend;

    [Theory]
    [InlineData("/api/v1/challenge", 1)]
    [InlineData("/api/v1/attest", 2)]
    [InlineData("/api/v1/token/refresh", 3)]
    [InlineData("/api/v1/verify", 4)]
    public async Task NoMutatedBodyEndsInAServerError(string route, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 120; i++)
        {
            var body = Mutate(await ValidBodyAsync(route), random);

            using var response = await _backend.Client.PostAsync(route, new ByteArrayContent(body));

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(ContractStatuses.Contains(response.StatusCode), $"#{i} {(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}: {text}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    private async Task<JsonObject> ValidBodyAsync(string route) => route switch
    {
        "/api/v1/challenge" => new JsonObject { ["appId"] = RunningBackend.DemoApp },
        "/api/v1/attest" => new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["platform"] = "debug",
            ["challenge"] = await _backend.ChallengeAsync(),
            ["evidence"] = new JsonObject { ["debugToken"] = RunningBackend.DebugToken },
        },
        "/api/v1/token/refresh" => new JsonObject
        {
            ["appId"] = RunningBackend.DemoApp,
            ["deviceId"] = Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken),
            ["challenge"] = await _backend.ChallengeAsync(),
            ["proof"] = new JsonObject { ["debugToken"] = RunningBackend.DebugToken },
        },
        _ => new JsonObject { ["token"] = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", ["consume"] = true, ["binding"] = "x" },
    };

    private static byte[] Mutate(JsonObject body, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                // Replace one field's value (possibly a nested one) with a value of another type or shape.
                var target = Pick(body, random);
                var key = target.Select(p => p.Key).ElementAt(random.Next(target.Count));
                target[key] = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                return Encoding.UTF8.GetBytes(body.ToJsonString());
            case 1:
                // Remove one field.
                var from = Pick(body, random);
                from.Remove(from.Select(p => p.Key).ElementAt(random.Next(from.Count)));
                return Encoding.UTF8.GetBytes(body.ToJsonString());
            case 2:
                // Flip bytes of the serialized body (invalid JSON, invalid UTF-8).
                var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                return bytes;
            default:
                // Truncate.
                var whole = Encoding.UTF8.GetBytes(body.ToJsonString());
                return whole[..random.Next(whole.Length)];
        }
    }

    private static JsonObject Pick(JsonObject body, Random random)
    {
        var nested = body.Select(p => p.Value).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        return nested.Count > 0 && random.Next(2) == 0 ? nested[random.Next(nested.Count)] : body;
    }
}
