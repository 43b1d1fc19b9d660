using System.Net;

namespace Attestation.Functions.Tests.Endpoints.Apis;

/// <summary>verify's <c>appId</c> and <c>platforms</c>: an API that serves one app refuses the tokens of the others (issue 16, finding 1).</summary>
public class VerifyScopeTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task ATokenOfTheAppTheApiServesIsValid()
    {
        var token = await TokenAsync(RunningBackend.DemoApp);

        var result = await _backend.VerifyAsync(token, appId: RunningBackend.DemoApp);

        Assert.True(result.GetProperty("valid").GetBoolean());
        Assert.Equal(RunningBackend.DemoApp, result.GetProperty("appId").GetString());
    }

    [Fact]
    public async Task ATokenOfAnotherAppOfTheSameBackendIsWrongApp()
    {
        var token = await TokenAsync(RunningBackend.DecoyApp);

        var result = await _backend.VerifyAsync(token, appId: RunningBackend.DemoApp);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal("wrong_app", result.GetProperty("reason").GetString());
        Assert.False(result.TryGetProperty("appId", out _));
    }

    [Fact]
    public async Task ATokenOfAPlatformTheApiDoesNotAcceptIsWrongPlatform()
    {
        var token = await TokenAsync(RunningBackend.DemoApp);

        var result = await _backend.VerifyAsync(token, appId: RunningBackend.DemoApp, platforms: ["apple-app-attest", "play-integrity"]);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal("wrong_platform", result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenOfAPlatformInTheListIsValid()
    {
        var token = await TokenAsync(RunningBackend.DemoApp);

        var result = await _backend.VerifyAsync(token, platforms: ["android-key-attestation", "debug"]);

        Assert.True(result.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ConsumingATokenOfAnotherAppLeavesItUsableByTheApiItWasFor()
    {
        var token = await TokenAsync(RunningBackend.DecoyApp);

        var refused = await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DemoApp);
        var wrongPlatform = await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DecoyApp, platforms: ["play-integrity"]);
        var accepted = await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DecoyApp);

        Assert.Equal("wrong_app", refused.GetProperty("reason").GetString());
        Assert.Equal("wrong_platform", wrongPlatform.GetProperty("reason").GetString());
        Assert.True(accepted.GetProperty("valid").GetBoolean());
        Assert.Equal("already_consumed", (await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DecoyApp)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ADecoyTokenIsStillABadSignatureForTheAppItNames()
    {
        using var forged = await _backend.AttestDebugAsync(RunningBackend.DecoyApp, debugToken: "guessed-token");
        var decoy = (await RunningBackend.ReadJsonAsync(forged)).GetProperty("token").GetString()!;

        var result = await _backend.VerifyAsync(decoy, appId: RunningBackend.DecoyApp, platforms: ["debug"]);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", result.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{"appId": ""}""")]
    [InlineData("""{"appId": "com contoso"}""")]
    [InlineData("""{"appId": 7}""")]
    [InlineData("""{"platforms": []}""")]
    [InlineData("""{"platforms": ["ios"]}""")]
    [InlineData("""{"platforms": ["debug", null]}""")]
    [InlineData("""{"platforms": "debug"}""")]
    [InlineData("""{"appId": "com.contoso.demo", "platforms": ["Debug"]}""")]
    public async Task AMalformedScopeIsAnInvalidRequestAndConsumesNothing(string scope)
    {
        var token = await TokenAsync(RunningBackend.DemoApp);
        var body = scope.Replace("{", $$"""{"token": "{{token}}", "consume": true, """, StringComparison.Ordinal);

        using var response = await _backend.PostRawAsync("/api/v1/verify", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True((await _backend.VerifyAsync(token, consume: true, appId: RunningBackend.DemoApp)).GetProperty("valid").GetBoolean());
    }

    private async Task<string> TokenAsync(string appId)
    {
        using var response = await _backend.AttestDebugAsync(appId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }
}
