using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class RequestTimelineTests
{
    [Fact]
    public void EveryRequestIsOneCsvLineInStartOrder()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_764_590_400_000);
        RequestRecord[] records =
        [
            new(ApiRoute.Refresh, start.AddMilliseconds(20), TimeSpan.FromMilliseconds(1.5), 503, "unavailable", true),
            new(ApiRoute.Challenge, start, TimeSpan.FromMilliseconds(12.25), 200),
            new(ApiRoute.Attest, start.AddMilliseconds(30), TimeSpan.FromSeconds(30), 0, TransportError: "timeout"),
        ];

        Assert.Equal(
            [
                "route,started_unix_ms,latency_ms,status,code",
                "challenge,1764590400000,12.25,200,",
                "refresh,1764590400020,1.5,503,unavailable",
                "attest,1764590400030,30000,0,timeout",
            ],
            RequestTimeline.Csv(records));
    }
}
