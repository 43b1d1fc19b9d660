using System.Globalization;
using System.Net;

namespace Attestation.Functions.Tests.Endpoints.Devices;

public class ChallengeEndpointTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task AChallengeIsBase64UrlTextOfAtMost128CharactersExpiringInFiveMinutes()
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await _backend.PostAsync("/api/v1/challenge", new { appId = RunningBackend.DemoApp });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Matches("^[A-Za-z0-9_-]{22,128}$", body.GetProperty("challenge").GetString());
        var expiresAt = DateTimeOffset.Parse(body.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.EndsWith("Z", body.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);
        Assert.InRange(expiresAt, before.AddMinutes(5).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(2));
    }

    [Fact]
    public async Task AnUnknownAppIsAppUnknown()
    {
        using var response = await _backend.PostAsync("/api/v1/challenge", new { appId = "com.contoso.nobody" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "app_unknown");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("""{"appId": 42}""")]
    [InlineData("""{"appId": null}""")]
    [InlineData("""{"appId": "has spaces"}""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public async Task AMalformedBodyIsAnInvalidRequest(string body)
    {
        using var response = await _backend.PostRawAsync("/api/v1/challenge", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task GetIsNotARouteOfChallenge()
    {
        using var response = await _backend.Client.GetAsync("/api/v1/challenge");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
