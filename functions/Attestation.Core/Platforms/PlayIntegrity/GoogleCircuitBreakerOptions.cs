namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// Section <c>Attestation:PlayIntegrity:CircuitBreaker</c>: after Google answers 429 or 5xx, or does not answer in time,
/// the app's decode calls stop for a while and attestations answer 503 <c>unavailable</c> without calling; then one trial
/// call decides whether calls resume.
/// </summary>
public sealed class GoogleCircuitBreakerOptions
{
    /// <summary>How long calls stop when Google names no delay (default 30 s).</summary>
    public TimeSpan OpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest stop, whatever Google's <c>Retry-After</c> says (default 5 min).</summary>
    public TimeSpan MaxOpenFor { get; set; } = TimeSpan.FromMinutes(5);
}
