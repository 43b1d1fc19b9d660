using System.Collections.Concurrent;
using Attestation.Core.Errors;
using Attestation.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// Stands between the attest flow and Google's <c>decodeIntegrityToken</c>, per app (package name): a call budget per clock
/// minute and per UTC day (<see cref="GoogleCallBudgetOptions"/>), and a circuit breaker that opens after a throttle or an
/// outage (<see cref="GoogleCircuitBreakerOptions"/>) and lets one trial call through once its time is up. A call it does not
/// allow is refused with 503 <c>unavailable</c> and a <c>Retry-After</c> of the time left, without calling Google.
/// </summary>
/// <remarks>
/// State is per instance, in memory: Google's quota belongs to the app, so one app's flood must not stop another app's calls,
/// and a shared store would add a storage call to every attestation. Every decision, and every call's outcome, is counted on
/// <see cref="AttestationMetrics"/>.
/// </remarks>
public sealed class GoogleCallGuard
{
    /// <summary>The dependency name in logs.</summary>
    public const string DependencyName = "Google Play Integrity";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ShortestOpening = TimeSpan.FromSeconds(1);

    private readonly GoogleCallBudgetOptions _budget;
    private readonly GoogleCircuitBreakerOptions _breaker;
    private readonly TimeProvider _timeProvider;
    private readonly AttestationMetrics _metrics;
    private readonly ConcurrentDictionary<string, AppCalls> _apps = new(StringComparer.Ordinal);

    public GoogleCallGuard(IOptions<PlayIntegrityOptions> options, TimeProvider timeProvider, AttestationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        _budget = options.Value.GoogleCallBudget;
        _breaker = options.Value.CircuitBreaker;
        _timeProvider = timeProvider;
        _metrics = metrics;
    }

    /// <summary>Allows one call for <paramref name="packageName"/>, or refuses it.</summary>
    /// <returns>The permit, to be completed with the call's outcome (or disposed, if the call was never sent).</returns>
    /// <exception cref="DependencyUnavailableException">The breaker is open or the budget is spent; its <c>RetryAfter</c> says for how long.</exception>
    public GoogleCallPermit Admit(string packageName)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageName);
        var app = _apps.GetOrAdd(packageName, _ => new AppCalls());
        var now = _timeProvider.GetUtcNow();
        GoogleCallOutcome refusal;
        TimeSpan wait;
        lock (app)
        {
            if (app.Breaker == BreakerState.Open && now >= app.OpenUntil)
            {
                app.Breaker = BreakerState.HalfOpen;
            }

            if (app.Breaker == BreakerState.Open)
            {
                (refusal, wait) = (GoogleCallOutcome.BreakerOpen, app.OpenUntil - now);
            }
            else if (app.Breaker == BreakerState.HalfOpen && app.TrialInFlight)
            {
                // One trial at a time: the others wait for its answer rather than join a possibly still failing Google.
                (refusal, wait) = (GoogleCallOutcome.BreakerOpen, _breaker.OpenFor);
            }
            else if (!app.TrySpend(now, _budget, out wait))
            {
                refusal = GoogleCallOutcome.BudgetExhausted;
            }
            else
            {
                var trial = app.Breaker == BreakerState.HalfOpen;
                app.TrialInFlight |= trial;
                return new GoogleCallPermit(this, packageName, app, now, trial);
            }
        }

        _metrics.RecordGoogleCall(packageName, refusal);
        throw new DependencyUnavailableException(DependencyName, wait < ShortestOpening ? ShortestOpening : wait);
    }

    internal TimeSpan? Complete(GoogleCallPermit permit, GoogleCallOutcome outcome, bool opensBreaker, TimeSpan? retryAfter)
    {
        var app = permit.App;
        TimeSpan? openFor = null;
        lock (app)
        {
            if (permit.IsTrial)
            {
                app.TrialInFlight = false;
            }

            if (opensBreaker)
            {
                // Google's own Retry-After is honoured, within bounds: a long one must not stop attestations for hours.
                var wait = retryAfter ?? _breaker.OpenFor;
                wait = wait < ShortestOpening ? ShortestOpening : wait > _breaker.MaxOpenFor ? _breaker.MaxOpenFor : wait;
                var now = _timeProvider.GetUtcNow();
                app.Breaker = BreakerState.Open;
                app.OpenUntil = app.OpenUntil > now + wait ? app.OpenUntil : now + wait;
                openFor = app.OpenUntil - now;
            }
            else if (permit.IsTrial && outcome is GoogleCallOutcome.Ok or GoogleCallOutcome.Refused)
            {
                // Google answered; a 400 is the token's fault, not Google's.
                app.Breaker = BreakerState.Closed;
            }
        }

        _metrics.RecordGoogleCall(permit.PackageName, outcome);
        return openFor;
    }

    internal static void Abandon(GoogleCallPermit permit, bool sent)
    {
        var app = permit.App;
        lock (app)
        {
            if (permit.IsTrial)
            {
                app.TrialInFlight = false;
            }

            if (!sent)
            {
                app.Refund(permit.AdmittedAt);
            }
        }
    }

    internal enum BreakerState
    {
        Closed,
        Open,
        HalfOpen,
    }

    /// <summary>One app's budget and breaker; every field is read and written under a lock on the instance.</summary>
    internal sealed class AppCalls
    {
        private DateTimeOffset _minute;
        private int _minuteCalls;
        private DateOnly _day;
        private int _dayCalls;

        public BreakerState Breaker { get; set; }

        public DateTimeOffset OpenUntil { get; set; }

        public bool TrialInFlight { get; set; }

        public bool TrySpend(DateTimeOffset now, GoogleCallBudgetOptions budget, out TimeSpan wait)
        {
            var utc = now.ToUniversalTime();
            var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
            var day = DateOnly.FromDateTime(utc.UtcDateTime);
            if (minute != _minute)
            {
                (_minute, _minuteCalls) = (minute, 0);
            }

            if (day != _day)
            {
                (_day, _dayCalls) = (day, 0);
            }

            if (_dayCalls >= budget.PerDay)
            {
                wait = new DateTimeOffset(day.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero) - utc;
                return false;
            }

            if (_minuteCalls >= budget.PerInstancePerMinute)
            {
                wait = minute + Minute - utc;
                return false;
            }

            _minuteCalls++;
            _dayCalls++;
            wait = TimeSpan.Zero;
            return true;
        }

        public void Refund(DateTimeOffset admittedAt)
        {
            var utc = admittedAt.ToUniversalTime();
            if (new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero) == _minute && _minuteCalls > 0)
            {
                _minuteCalls--;
            }

            if (DateOnly.FromDateTime(utc.UtcDateTime) == _day && _dayCalls > 0)
            {
                _dayCalls--;
            }
        }
    }
}
