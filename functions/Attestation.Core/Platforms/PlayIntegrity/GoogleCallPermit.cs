namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// One decode call <see cref="GoogleCallGuard"/> allowed. The caller reports what Google answered with
/// <see cref="Complete"/>; a permit disposed without it releases the breaker's trial slot, and, when the call was never
/// sent (<see cref="NotSent"/>), gives its budget back.
/// </summary>
public sealed class GoogleCallPermit : IDisposable
{
    private readonly GoogleCallGuard _guard;
    private bool _done;
    private bool _sent = true;

    internal GoogleCallPermit(GoogleCallGuard guard, string packageName, GoogleCallGuard.AppCalls app, DateTimeOffset admittedAt, bool isTrial)
    {
        _guard = guard;
        PackageName = packageName;
        App = app;
        AdmittedAt = admittedAt;
        IsTrial = isTrial;
    }

    internal string PackageName { get; }

    internal GoogleCallGuard.AppCalls App { get; }

    internal DateTimeOffset AdmittedAt { get; }

    internal bool IsTrial { get; }

    /// <summary>Reports Google's answer (or its absence).</summary>
    /// <param name="outcome">The outcome; not <c>BreakerOpen</c> or <c>BudgetExhausted</c>, which the guard decides.</param>
    /// <param name="opensBreaker">True after a 429, a 5xx or a timeout: Google is not to be called for a while.</param>
    /// <param name="retryAfter">Google's <c>Retry-After</c>, when it sent one.</param>
    /// <returns>How long the breaker is now open, when this call opened it; the client's <c>Retry-After</c>.</returns>
    public TimeSpan? Complete(GoogleCallOutcome outcome, bool opensBreaker = false, TimeSpan? retryAfter = null)
    {
        if (outcome is GoogleCallOutcome.BreakerOpen or GoogleCallOutcome.BudgetExhausted)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "The guard decides refusals; a permit reports calls.");
        }

        if (_done)
        {
            return null;
        }

        _done = true;
        return _guard.Complete(this, outcome, opensBreaker, retryAfter);
    }

    /// <summary>Marks the call as never sent (no access token, for instance), so its budget is given back on disposal.</summary>
    public void NotSent() => _sent = false;

    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            GoogleCallGuard.Abandon(this, _sent);
        }
    }
}
