using Attestation.LoadTest;

namespace Attestation.LoadTest.Tests;

public sealed class LoadSummaryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static RequestRecord Record(ApiRoute route, double milliseconds, int status = 200, string? code = null, bool retryAfter = false) =>
        new(route, Start, TimeSpan.FromMilliseconds(milliseconds), status, code, retryAfter);

    [Fact]
    public void RoutesGetRatesAndPercentilesOfTheirSuccessfulAnswers()
    {
        var records = Enumerable.Range(1, 100).Select(i => Record(ApiRoute.Verify, i))
            .Append(Record(ApiRoute.Verify, 1, 503, "unavailable", retryAfter: true))
            .Append(Record(ApiRoute.Challenge, 7))
            .ToList();

        var summary = LoadSummary.From(records, TimeSpan.FromSeconds(10), []);

        var verify = Assert.Single(summary.Routes, route => route.Route == "verify");
        Assert.Equal(101, verify.Count);
        Assert.Equal(100, verify.Successes);
        Assert.Equal(10.1, verify.RequestsPerSecond, 6);
        Assert.Equal(50, verify.P50Ms!.Value, 6);
        Assert.Equal(95, verify.P95Ms!.Value, 6);
        Assert.Equal(99, verify.P99Ms!.Value, 6);
        Assert.Equal(100, verify.MaxMs!.Value, 6);
        Assert.Equal(["challenge", "verify"], summary.Routes.Select(route => route.Route));
        Assert.Equal(102, summary.Total.Count);
    }

    [Fact]
    public void NonSuccessesAreCountedByRouteStatusAndCode()
    {
        RequestRecord[] records =
        [
            Record(ApiRoute.Refresh, 5, 503, "unavailable", retryAfter: true),
            Record(ApiRoute.Refresh, 5, 503, "unavailable", retryAfter: true),
            Record(ApiRoute.Refresh, 5, 503, "unavailable"),
            Record(ApiRoute.Attest, 5, 401, "challenge_invalid"),
            new(ApiRoute.Challenge, Start, TimeSpan.FromSeconds(30), 0, TransportError: "timeout"),
            Record(ApiRoute.Attest, 5),
        ];

        var errors = LoadSummary.From(records, TimeSpan.FromSeconds(1), []).Errors;

        Assert.Equal(
            [
                new ErrorCount("challenge", 0, "timeout", 1, 0),
                new ErrorCount("attest", 401, "challenge_invalid", 1, 0),
                new ErrorCount("refresh", 503, "unavailable", 3, 2),
            ],
            errors);
    }

    [Fact]
    public void ARouteWithOnlyFailuresHasNoLatencies()
    {
        var route = Assert.Single(LoadSummary.From([Record(ApiRoute.Attest, 5, 503, "unavailable", true)], TimeSpan.FromSeconds(1), []).Routes);

        Assert.Null(route.P50Ms);
        Assert.Null(route.MaxMs);
    }
}
