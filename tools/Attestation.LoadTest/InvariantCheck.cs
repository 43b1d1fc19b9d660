using System.Globalization;

namespace Attestation.LoadTest;

/// <summary>What a refresh of an attested device answered once the load was over.</summary>
public sealed record DeviceCheck(string DeviceId, int Status, string? Code, string? Problem)
{
    public bool Passed => Status == 200 && Problem is null;
}

/// <summary>
/// The invariants of a run (docs/api.md): no 5xx but 503, every 503 with Retry-After, an answer to every request, no
/// refusal of a correct flow, right verify answers, every attested device able to refresh afterwards, and in fault mode
/// each route back within the limit of storage's return and staying back.
/// </summary>
public static class InvariantCheck
{
    /// <summary>The refusal a correct flow may get: two devices sharing a debug token refreshed the same device id at once (docs/api.md, "What the app does next").</summary>
    public static bool IsExpectedRefusal(RequestRecord record, bool devicesShareIds) =>
        devicesShareIds && record.Route == ApiRoute.Refresh && record.Status == 401 && record.Code == "proof_invalid";

    /// <summary>Every broken invariant, one sentence each; empty when the run passed.</summary>
    public static IReadOnlyList<string> Evaluate(
        IReadOnlyCollection<RequestRecord> records,
        IReadOnlyList<WrongAnswer> wrongAnswers,
        IReadOnlyList<DeviceCheck> deviceChecks,
        bool devicesShareIds,
        bool faultExpected,
        FaultAnalysis? fault,
        TimeSpan recoveryLimit)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(wrongAnswers);
        ArgumentNullException.ThrowIfNull(deviceChecks);
        var failures = new List<string>();
        foreach (var group in records.Where(record => record.Status >= 500 && record.Status != 503).GroupBy(record => (record.Route, record.Status)))
        {
            failures.Add(Invariant($"{group.Count()} answer(s) {group.Key.Status} at {group.Key.Route.Label()}: only 503 is an allowed server error."));
        }

        foreach (var group in records.Where(record => record.Status == 503 && !record.HasRetryAfter).GroupBy(record => record.Route))
        {
            failures.Add(Invariant($"{group.Count()} answer(s) 503 without Retry-After at {group.Key.Label()}."));
        }

        foreach (var group in records.Where(record => record.IsTransportError).GroupBy(record => (record.Route, record.TransportError)))
        {
            failures.Add(Invariant($"{group.Count()} request(s) to {group.Key.Route.Label()} got no answer ({group.Key.TransportError})."));
        }

        foreach (var group in records
            .Where(record => record.Status is >= 400 and < 500 && !IsExpectedRefusal(record, devicesShareIds))
            .GroupBy(record => (record.Route, record.Status, record.Code)))
        {
            failures.Add(Invariant($"{group.Count()} refusal(s) {group.Key.Status} {group.Key.Code ?? "(no code)"} at {group.Key.Route.Label()} of a correct flow."));
        }

        foreach (var group in wrongAnswers.GroupBy(answer => (answer.Route, answer.What)))
        {
            failures.Add(Invariant($"{group.Count()} wrong answer(s) at {group.Key.Route.Label()}: {group.Key.What}"));
        }

        if (!records.Any(record => record.Route == ApiRoute.Attest && record.IsSuccess))
        {
            failures.Add("No attest succeeded: the run measured nothing of the flow.");
        }

        foreach (var check in deviceChecks.Where(check => !check.Passed))
        {
            failures.Add(Invariant($"Device {Shorten(check.DeviceId)} got a 200 at attest but its refresh afterwards answered {Describe(check)}."));
        }

        if (faultExpected)
        {
            failures.AddRange(EvaluateFault(fault, recoveryLimit));
        }

        return failures;
    }

    private static IEnumerable<string> EvaluateFault(FaultAnalysis? fault, TimeSpan recoveryLimit)
    {
        if (fault is null)
        {
            yield return "Fault mode, but storage never went down during the run (no \"down\" event).";
            yield break;
        }

        if (fault.UpAtSeconds is null)
        {
            yield return "Fault mode, but storage never came back during the run (no \"up\" event).";
            yield break;
        }

        var limit = recoveryLimit.TotalSeconds;
        foreach (var route in fault.Routes)
        {
            if (route.FailuresDuringOutage > 0 && route.FirstSuccessAfterUpSeconds is null)
            {
                yield return $"{route.Route} failed during the outage and had no 2xx after storage came back.";
            }
            else if (route.FailuresDuringOutage > 0 && route.FirstSuccessAfterUpSeconds > limit)
            {
                yield return Invariant($"{route.Route}'s first 2xx came {route.FirstSuccessAfterUpSeconds:0.00} s after storage came back (limit {limit:0.##} s).");
            }

            if (route.LastFailureAfterUpSeconds is { } last && last > limit)
            {
                yield return Invariant($"{route.Route} still failed {last:0.00} s after storage came back (limit {limit:0.##} s).");
            }
        }
    }

    private static string Describe(DeviceCheck check) => check switch
    {
        { Status: 0 } => "nothing (no HTTP answer)",
        { Problem: { } problem } => Invariant($"{check.Status} {check.Code ?? string.Empty} ({problem})").Replace("  ", " ", StringComparison.Ordinal),
        _ => Invariant($"{check.Status} {check.Code ?? "(no code)"}"),
    };

    private static string Shorten(string deviceId) => deviceId.Length > 12 ? deviceId[..12] + "…" : deviceId;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
