namespace Attestation.LoadTest;

/// <summary>
/// One request as the load test saw it. <see cref="Status"/> is 0 when no HTTP answer came (refused, reset, timed out);
/// <see cref="Code"/> is the problem's <c>code</c> of a non-2xx answer, when it had one.
/// </summary>
public readonly record struct RequestRecord(
    ApiRoute Route,
    DateTimeOffset StartedAt,
    TimeSpan Latency,
    int Status,
    string? Code = null,
    bool HasRetryAfter = false,
    string? TransportError = null)
{
    public DateTimeOffset CompletedAt => StartedAt + Latency;

    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsTransportError => Status == 0;
}

/// <summary>An answer with the right status but the wrong content (a fresh token verified as invalid, say).</summary>
public readonly record struct WrongAnswer(ApiRoute Route, DateTimeOffset At, string What);
