using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class FaultAnalysisTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_764_590_400_000);

    private static RequestRecord Completed(double seconds, ApiRoute route, int status) =>
        new(route, Start.AddSeconds(seconds - 0.1), TimeSpan.FromMilliseconds(100), status, status == 503 ? "unavailable" : null, status == 503);

    [Fact]
    public void EventsAreOneDownAndOneUpInUnixMilliseconds()
    {
        var outage = StorageOutage.Parse(["down 1764590410000", "", "up 1764590420500"]);

        Assert.Equal(new StorageOutage(Start.AddSeconds(10), Start.AddSeconds(20.5)), outage);
    }

    [Fact]
    public void AnOutageWithoutUpHasNotEnded() =>
        Assert.Null(StorageOutage.Parse(["down 1764590410000"])!.Up);

    [Fact]
    public void NoEventsIsNoOutage() => Assert.Null(StorageOutage.Parse([]));

    [Theory]
    [InlineData("up 1764590420000")]
    [InlineData("down 1764590410000", "down 1764590411000")]
    [InlineData("down 1764590410000", "up 1764590409000")]
    [InlineData("down 1764590410000", "up 1764590420000", "up 1764590421000")]
    [InlineData("down soon")]
    [InlineData("sideways 1764590410000")]
    [InlineData("down 1764590410000 extra")]
    public void MalformedOrImpossibleEventsAreRefused(params string[] lines) =>
        Assert.Throws<FormatException>(() => StorageOutage.Parse(lines));

    [Fact]
    public void EachRouteGetsItsFailuresWhileDownAndItsRecoveryAfterUp()
    {
        var outage = new StorageOutage(Start.AddSeconds(10), Start.AddSeconds(20));
        RequestRecord[] records =
        [
            Completed(5, ApiRoute.Challenge, 200),
            Completed(11, ApiRoute.Challenge, 503),
            Completed(19, ApiRoute.Challenge, 503),
            Completed(20.5, ApiRoute.Challenge, 503),
            Completed(21.25, ApiRoute.Challenge, 200),
            Completed(22, ApiRoute.Challenge, 200),
            Completed(15, ApiRoute.Verify, 200),
            Completed(25, ApiRoute.Verify, 200),
        ];

        var analysis = FaultAnalysis.From(outage, records, Start);

        Assert.Equal(10, analysis.DownAtSeconds, 3);
        Assert.Equal(20, analysis.UpAtSeconds!.Value, 3);
        Assert.Equal(10, analysis.OutageSeconds!.Value, 3);
        var challenge = Assert.Single(analysis.Routes, route => route.Route == "challenge");
        Assert.Equal(2, challenge.FailuresDuringOutage);
        Assert.Equal(0, challenge.SuccessesDuringOutage);
        Assert.Equal(1.25, challenge.FirstSuccessAfterUpSeconds!.Value, 3);
        Assert.Equal(0.5, challenge.LastFailureAfterUpSeconds!.Value, 3);
        var verify = Assert.Single(analysis.Routes, route => route.Route == "verify");
        Assert.Equal(0, verify.FailuresDuringOutage);
        Assert.Equal(1, verify.SuccessesDuringOutage);
        Assert.Null(verify.LastFailureAfterUpSeconds);
        Assert.DoesNotContain(analysis.Routes, route => route.Route == "attest");
    }

    [Fact]
    public void WithoutUpNothingCountsAsAfter()
    {
        var analysis = FaultAnalysis.From(new StorageOutage(Start.AddSeconds(10), null), [Completed(30, ApiRoute.Challenge, 503)], Start);

        Assert.Null(analysis.UpAtSeconds);
        var challenge = Assert.Single(analysis.Routes);
        Assert.Equal(1, challenge.FailuresDuringOutage);
        Assert.Null(challenge.FirstSuccessAfterUpSeconds);
    }
}
