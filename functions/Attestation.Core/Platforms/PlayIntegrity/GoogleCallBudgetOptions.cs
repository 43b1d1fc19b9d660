namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// Section <c>Attestation:PlayIntegrity:GoogleCallBudget</c>: the most <c>decodeIntegrityToken</c> calls one instance makes
/// for one app (package name). Google's default quota is 10,000 calls per app per day and every call spends it, whatever
/// the token; the budget keeps a flood of attest requests from spending it all, at the price of a 503 for the requests over it.
/// </summary>
/// <remarks>
/// Both counts are kept in memory by each instance, so with several instances the app's total is up to the instance count
/// times these figures: set <see cref="PerDay"/> to Google's quota divided by the most instances the plan runs. Days are UTC
/// days; Google's quota days are Pacific days, another reason to keep <see cref="PerDay"/> below the quota.
/// </remarks>
public sealed class GoogleCallBudgetOptions
{
    /// <summary>Decode calls one instance makes for one app in one clock minute (default 60).</summary>
    public int PerInstancePerMinute { get; set; } = 60;

    /// <summary>Decode calls one instance makes for one app in one UTC day (default 10,000, Google's default daily quota).</summary>
    public int PerDay { get; set; } = 10_000;
}
