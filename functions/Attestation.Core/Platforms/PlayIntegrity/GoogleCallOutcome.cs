namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>What became of one <c>decodeIntegrityToken</c> call the backend wanted to make (the metric's <c>outcome</c> tag).</summary>
public enum GoogleCallOutcome
{
    /// <summary>Google answered 200 (the verdict in it is then read and checked).</summary>
    Ok,

    /// <summary>Google could not decode the token (400): the caller's fault, the quota spent all the same.</summary>
    Refused,

    /// <summary>Google answered 429: over quota.</summary>
    Throttled,

    /// <summary>Google answered another error, a 5xx, an unreadable body, or nothing in time.</summary>
    Error,

    /// <summary>Not called: the circuit breaker is open after a throttle or an outage.</summary>
    BreakerOpen,

    /// <summary>Not called: the app's call budget for this minute or day is spent.</summary>
    BudgetExhausted,
}
