using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Telemetry;
using Attestation.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>The call budget and the circuit breaker in front of Google's decode API, on a fake clock (issue 16, finding 4).</summary>
public sealed class GoogleCallGuardTests : IDisposable
{
    private const string Package = "com.contoso.standard";
    private const string Calls = "attestation.play_integrity.google_calls";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void AnOpenBreakerLetsOneTrialCallThroughAndRefusesTheOthersUntilItAnswers()
    {
        var guard = Guard();
        Assert.Equal(TimeSpan.FromSeconds(30), guard.Admit(Package).Complete(GoogleCallOutcome.Error, opensBreaker: true));
        _clock.Advance(TimeSpan.FromSeconds(30));

        using var trial = guard.Admit(Package);
        var waiting = Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));
        trial.Complete(GoogleCallOutcome.Ok);
        using var next = guard.Admit(Package);

        Assert.Equal(TimeSpan.FromSeconds(30), waiting.RetryAfter);
        Assert.Equal(1, _meters.Sum(Calls, ("outcome", "breaker_open")));
    }

    [Fact]
    public void AFailedTrialOpensTheBreakerAgain()
    {
        var guard = Guard();
        guard.Admit(Package).Complete(GoogleCallOutcome.Throttled, opensBreaker: true);
        _clock.Advance(TimeSpan.FromSeconds(30));

        guard.Admit(Package).Complete(GoogleCallOutcome.Throttled, opensBreaker: true, retryAfter: TimeSpan.FromSeconds(90));
        _clock.Advance(TimeSpan.FromSeconds(60));
        var open = Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));

        Assert.Equal(TimeSpan.FromSeconds(30), open.RetryAfter);
    }

    [Fact]
    public void ATrialThatNeverAnswersLeavesTheNextCallerToTry()
    {
        var guard = Guard();
        guard.Admit(Package).Complete(GoogleCallOutcome.Error, opensBreaker: true);
        _clock.Advance(TimeSpan.FromSeconds(30));

        guard.Admit(Package).Dispose();
        using var second = guard.Admit(Package);

        Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));
    }

    [Fact]
    public void AnErrorThatDoesNotOpenTheBreakerLeavesCallsFlowing()
    {
        var guard = Guard();

        Assert.Null(guard.Admit(Package).Complete(GoogleCallOutcome.Error));
        using var next = guard.Admit(Package);

        Assert.Equal(1, _meters.Sum(Calls, ("package", Package), ("outcome", "error")));
    }

    [Fact]
    public void OneAppsOpenBreakerDoesNotStopAnotherApp()
    {
        var guard = Guard();
        guard.Admit(Package).Complete(GoogleCallOutcome.Throttled, opensBreaker: true);

        Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));
        using var other = guard.Admit("com.contoso.other");
    }

    [Fact]
    public void ACallNotSentGivesItsBudgetBackAndACallSentDoesNot()
    {
        var guard = Guard(new GoogleCallBudgetOptions { PerInstancePerMinute = 1 });

        using (var unsent = guard.Admit(Package))
        {
            unsent.NotSent();
        }

        guard.Admit(Package).Dispose();
        var spent = Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));

        Assert.Equal(TimeSpan.FromMinutes(1), spent.RetryAfter);
        Assert.Equal(1, _meters.Sum(Calls, ("outcome", "budget_exhausted")));
    }

    [Fact]
    public void AnOpenBreakerSpendsNoBudget()
    {
        var guard = Guard(new GoogleCallBudgetOptions { PerInstancePerMinute = 2 });
        guard.Admit(Package).Complete(GoogleCallOutcome.Error, opensBreaker: true);

        for (var i = 0; i < 5; i++)
        {
            Assert.Throws<DependencyUnavailableException>(() => guard.Admit(Package));
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        guard.Admit(Package).Complete(GoogleCallOutcome.Ok);
        Assert.Equal(5, _meters.Sum(Calls, ("outcome", "breaker_open")));
    }

    private GoogleCallGuard Guard(GoogleCallBudgetOptions? budget = null) =>
        new(Options.Create(new PlayIntegrityOptions { GoogleCallBudget = budget ?? new() }), _clock, new AttestationMetrics(_meters));
}
