using System.Net;
using System.Text;
using Attestation.Core.Text;

namespace Attestation.Functions.Tests.Endpoints.Devices;

public class AttestEndpointTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task ADebugAttestationIssuesATokenForTheDeviceOfTheDebugToken()
    {
        using var response = await _backend.AttestDebugAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken), body.GetProperty("deviceId").GetString());
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        Assert.EndsWith("Z", body.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);

        var verified = await _backend.VerifyAsync(body.GetProperty("token").GetString()!);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal("debug", verified.GetProperty("platform").GetString());
    }

    [Fact]
    public async Task AUsedChallengeIsChallengeInvalid()
    {
        var challenge = await _backend.ChallengeAsync();
        using var first = await _backend.AttestDebugAsync(challenge: challenge);
        using var second = await _backend.AttestDebugAsync(challenge: challenge);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task AChallengeOfAnotherAppIsChallengeInvalid()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.DecoyApp);

        using var response = await _backend.AttestDebugAsync(challenge: challenge);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task AChallengeThatWasNeverIssuedIsChallengeInvalid()
    {
        using var response = await _backend.AttestDebugAsync(challenge: Base64Flexible.ToBase64Url(new byte[32]));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task AnUnregisteredDebugTokenIsAttestationInvalidAndConsumesTheChallenge()
    {
        var challenge = await _backend.ChallengeAsync();

        using var refused = await _backend.AttestDebugAsync(debugToken: "not-registered", challenge: challenge);
        using var retried = await _backend.AttestDebugAsync(challenge: challenge);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "attestation_invalid");
        await ProblemAssert.IsProblemAsync(retried, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    [Fact]
    public async Task APlatformTheAppDoesNotEnableIsAPolicyViolation()
    {
        var challenge = await _backend.ChallengeAsync(RunningBackend.AppleOnlyApp);

        using var response = await _backend.AttestDebugAsync(RunningBackend.AppleOnlyApp, challenge: challenge);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "policy_violation");
        Assert.Contains("not enabled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFieldGivenTwiceIsAnInvalidRequest()
    {
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.PostRawAsync("/api/v1/attest",
            $$$"""{"appId":"com.contoso.demo","appId":"com.contoso.decoy","platform":"debug","challenge":"{{{challenge}}}","evidence":{"debugToken":"local-debug-token"}}""");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task InvalidUtf8InsideTheEvidenceIsAnInvalidRequest()
    {
        var challenge = await _backend.ChallengeAsync();
        var body = Encoding.UTF8.GetBytes($$$"""{"appId":"com.contoso.demo","platform":"debug","challenge":"{{{challenge}}}","evidence":{"debugToken":"local-debug-t#ken"}}""");
        body[Array.IndexOf(body, (byte)'#')] = 0xFF;

        using var response = await _backend.Client.PostAsync("/api/v1/attest", new ByteArrayContent(body));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AnUnknownPlatformIsAnInvalidRequest()
    {
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.PostAsync("/api/v1/attest", new { appId = RunningBackend.DemoApp, platform = "windows-hello", challenge, evidence = new { } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AnUnknownAppIsAppUnknown()
    {
        var challenge = await _backend.ChallengeAsync();

        using var response = await _backend.AttestDebugAsync(appId: "com.contoso.nobody", challenge: challenge);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "app_unknown");
    }

    [Theory]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE"}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{}}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{"debugToken":7}}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":"local-debug-token"}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{"debugToken":"local-debug-token"},"binding":"not base64!"}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{"debugToken":"local-debug-token"},"binding":"AAAA"}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":7,"challenge":"CHALLENGE","evidence":{"debugToken":"local-debug-token"}}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{"debugToken":"local-debug-token"},"binding":"AB"}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"debug","challenge":"CHALLENGE","evidence":{"debugToken":"\uD800"}}""")]
    [InlineData("""{"appId":"com.contoso.demo","platform":"apple-app-attest","challenge":"CHALLENGE","evidence":5}""")]
    public async Task AMalformedRequestIsAnInvalidRequestAndLeavesTheChallengeUnused(string template)
    {
        var challenge = await _backend.ChallengeAsync();

        using var refused = await _backend.PostRawAsync("/api/v1/attest", template.Replace("CHALLENGE", challenge, StringComparison.Ordinal));
        using var accepted = await _backend.AttestDebugAsync(challenge: challenge);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ABindingInAnyBase64FormBecomesPay()
    {
        var hash = System.Security.Cryptography.SHA256.HashData("Bearer session"u8);

        using var response = await _backend.AttestDebugAsync(binding: Convert.ToBase64String(hash));
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;

        Assert.True((await _backend.VerifyAsync(token, "Bearer session")).GetProperty("valid").GetBoolean());
        Assert.Equal("binding_mismatch", (await _backend.VerifyAsync(token, "Bearer other")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AttestingTheSameDebugTokenAgainKeepsOneDevice()
    {
        using var first = await _backend.AttestDebugAsync();
        using var second = await _backend.AttestDebugAsync();

        Assert.Equal(
            (await RunningBackend.ReadJsonAsync(first)).GetProperty("deviceId").GetString(),
            (await RunningBackend.ReadJsonAsync(second)).GetProperty("deviceId").GetString());
    }
}
