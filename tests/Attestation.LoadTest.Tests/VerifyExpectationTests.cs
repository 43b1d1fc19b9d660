using System.Text.Json;
using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class VerifyExpectationTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void AValidAnswerForTheDeviceAndAppPasses() =>
        Assert.Null(VerifyExpectation.Valid(Json("""{"valid":true,"appId":"app","deviceId":"dev","platform":"debug"}"""), "dev", "app"));

    [Theory]
    [InlineData("""{"valid":false,"reason":"expired"}""", "valid:false (expired)")]
    [InlineData("""{"valid":true,"appId":"app","deviceId":"other"}""", "another device")]
    [InlineData("""{"valid":true,"appId":"other","deviceId":"dev"}""", "another app")]
    [InlineData("""{"valid":"yes"}""", "no boolean")]
    [InlineData("""[]""", "no boolean")]
    public void AnythingElseForAFreshTokenIsWrong(string answer, string expected) =>
        Assert.Contains(expected, VerifyExpectation.Valid(Json(answer), "dev", "app"), StringComparison.Ordinal);

    [Fact]
    public void ABodyThatIsNotJsonIsWrong() =>
        Assert.NotNull(VerifyExpectation.Valid(default, "dev", "app"));

    [Fact]
    public void ASecondConsumeMustBeAlreadyConsumed()
    {
        Assert.Null(VerifyExpectation.Invalid(Json("""{"valid":false,"reason":"already_consumed"}"""), "already_consumed"));
        Assert.Contains("got expired", VerifyExpectation.Invalid(Json("""{"valid":false,"reason":"expired"}"""), "already_consumed"), StringComparison.Ordinal);
        Assert.Contains("valid:true", VerifyExpectation.Invalid(Json("""{"valid":true}"""), "already_consumed"), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnexpectedReasonIsNotEchoed() =>
        Assert.Contains("unexpected reason of 40 characters", VerifyExpectation.Valid(Json($$"""{"valid":false,"reason":"{{new string('<', 40)}}"}"""), "dev", "app"), StringComparison.Ordinal);
}
