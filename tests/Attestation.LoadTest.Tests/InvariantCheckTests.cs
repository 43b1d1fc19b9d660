using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class InvariantCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static RequestRecord At(double seconds, ApiRoute route, int status, string? code = null, bool retryAfter = false, string? transport = null) =>
        new(route, Start.AddSeconds(seconds), TimeSpan.FromMilliseconds(10), status, code, retryAfter, transport);

    private static readonly RequestRecord Attested = At(0, ApiRoute.Attest, 200);

    private static IReadOnlyList<string> Evaluate(
        IEnumerable<RequestRecord> records,
        IReadOnlyList<WrongAnswer>? wrong = null,
        IReadOnlyList<DeviceCheck>? checks = null,
        bool shared = false,
        bool faultExpected = false,
        FaultAnalysis? fault = null) =>
        InvariantCheck.Evaluate(records.Append(Attested).ToList(), wrong ?? [], checks ?? [new DeviceCheck("device", 200, null, null)], shared, faultExpected, fault, Limit);

    [Fact]
    public void ACleanRunPasses() =>
        Assert.Empty(Evaluate([At(1, ApiRoute.Challenge, 200), At(2, ApiRoute.Verify, 200)]));

    [Fact]
    public void A503WithRetryAfterIsAllowed() =>
        Assert.Empty(Evaluate([At(1, ApiRoute.Challenge, 503, "unavailable", retryAfter: true)]));

    [Fact]
    public void Any500FailsTheRun() =>
        Assert.Contains("500 at attest", Assert.Single(Evaluate([At(1, ApiRoute.Attest, 500)])), StringComparison.Ordinal);

    [Fact]
    public void AnyOtherServerErrorFailsTheRun() =>
        Assert.Contains("502 at verify", Assert.Single(Evaluate([At(1, ApiRoute.Verify, 502)])), StringComparison.Ordinal);

    [Fact]
    public void A503WithoutRetryAfterFailsTheRun() =>
        Assert.Contains("503 without Retry-After at refresh", Assert.Single(Evaluate([At(1, ApiRoute.Refresh, 503, "unavailable")])), StringComparison.Ordinal);

    [Fact]
    public void ARequestWithoutAnswerFailsTheRun() =>
        Assert.Contains("timeout", Assert.Single(Evaluate([At(1, ApiRoute.Challenge, 0, transport: "timeout")])), StringComparison.Ordinal);

    [Fact]
    public void ARefusalOfACorrectFlowFailsTheRun() =>
        Assert.Contains("401 challenge_invalid at attest", Assert.Single(Evaluate([At(1, ApiRoute.Attest, 401, "challenge_invalid")])), StringComparison.Ordinal);

    [Fact]
    public void RacingRefreshesAreExpectedOnlyWhenDevicesShareAnId()
    {
        RequestRecord race = At(1, ApiRoute.Refresh, 401, "proof_invalid");

        Assert.Empty(Evaluate([race], shared: true));
        Assert.Single(Evaluate([race], shared: false));
        Assert.Single(Evaluate([At(1, ApiRoute.Attest, 401, "proof_invalid")], shared: true));
    }

    [Fact]
    public void AWrongVerifyAnswerFailsTheRun() =>
        Assert.Contains("valid:false", Assert.Single(Evaluate([], wrong: [new WrongAnswer(ApiRoute.Verify, Start, "a fresh token verified as valid:false (expired).")])), StringComparison.Ordinal);

    [Fact]
    public void ARunWithoutASuccessfulAttestFails() =>
        Assert.Contains("No attest succeeded", Assert.Single(InvariantCheck.Evaluate([At(1, ApiRoute.Challenge, 200)], [], [], false, false, null, Limit)), StringComparison.Ordinal);

    [Fact]
    public void ADeviceThatCannotRefreshAfterwardsIsLost()
    {
        var failures = Evaluate([], checks: [new DeviceCheck("abcdefghijklmnopqrstuvwxyz", 404, "device_unknown", null), new DeviceCheck("other", 200, null, null)]);

        Assert.Contains("abcdefghijkl… got a 200 at attest but its refresh afterwards answered 404 device_unknown", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public void ARefreshForAnotherDeviceIsNotARefresh() =>
        Assert.Single(Evaluate([], checks: [new DeviceCheck("device", 200, null, "a token for another device")]));

    [Fact]
    public void FaultModeFailsWhenStorageNeverWentDownOrNeverCameBack()
    {
        Assert.Contains("never went down", Assert.Single(Evaluate([], faultExpected: true)), StringComparison.Ordinal);
        Assert.Contains("never came back", Assert.Single(Evaluate([], faultExpected: true, fault: new FaultAnalysis(10, null, null, []))), StringComparison.Ordinal);
    }

    [Fact]
    public void FaultModePassesWhenEveryRouteIsBackWithinTheLimit() =>
        Assert.Empty(Evaluate([], faultExpected: true, fault: new FaultAnalysis(10, 20, 10, [new RouteRecovery("challenge", 40, 0, 1.5, 1.2), new RouteRecovery("verify", 0, 30, 0.1, null)])));

    [Fact]
    public void FaultModeFailsWhenARouteComesBackLate() =>
        Assert.Contains("first 2xx came 12.00 s after", Assert.Single(Evaluate([], faultExpected: true, fault: new FaultAnalysis(10, 20, 10, [new RouteRecovery("challenge", 40, 0, 12, 9)]))), StringComparison.Ordinal);

    [Fact]
    public void FaultModeFailsWhenARouteStillFailsAfterTheLimit() =>
        Assert.Contains("still failed 14.00 s after", Assert.Single(Evaluate([], faultExpected: true, fault: new FaultAnalysis(10, 20, 10, [new RouteRecovery("refresh", 5, 0, 0.5, 14)]))), StringComparison.Ordinal);

    [Fact]
    public void FaultModeFailsWhenARouteThatFailedNeverSucceedsAgain() =>
        Assert.Contains("no 2xx after storage came back", Assert.Single(Evaluate([], faultExpected: true, fault: new FaultAnalysis(10, 20, 10, [new RouteRecovery("attest", 5, 0, null, null)]))), StringComparison.Ordinal);
}
