using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// In production, standard tokens go to Google's Play Integrity API and nowhere else: the decoder sends the service account's
/// access token to <see cref="PlayIntegrityOptions.DecodeEndpoint"/> and trusts the verdict it answers, so another endpoint
/// (the tests' local fake) would be a way to forge verdicts. Elsewhere any endpoint is allowed, with a clear name in the log.
/// Everywhere, the call budget and the circuit breaker must be bounded and positive.
/// </summary>
public sealed class PlayIntegrityOptionsValidator(bool production) : IValidateOptions<PlayIntegrityOptions>
{
    /// <summary>Google's Play Integrity API, the only endpoint accepted in production.</summary>
    public static readonly Uri GoogleEndpoint = new("https://playintegrity.googleapis.com/");

    // Far above any quota Google grants by default; a larger figure is a typo, and a budget that never binds.
    private const int MaxCallsPerMinute = 100_000;
    private const int MaxCallsPerDay = 100_000_000;

    public ValidateOptionsResult Validate(string? name, PlayIntegrityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (production && options.DecodeEndpoint is not null && !IsGoogle(options.DecodeEndpoint))
        {
            return ValidateOptionsResult.Fail(
                $"{PlayIntegrityOptions.SectionName}:DecodeEndpoint must be {GoogleEndpoint} in production; other endpoints are for tests only.");
        }

        var failures = new List<string>();
        var budget = options.GoogleCallBudget;
        if (budget is null || budget.PerInstancePerMinute is < 1 or > MaxCallsPerMinute)
        {
            failures.Add($"{PlayIntegrityOptions.SectionName}:GoogleCallBudget:PerInstancePerMinute must be 1 to {MaxCallsPerMinute}.");
        }

        if (budget is null || budget.PerDay is < 1 or > MaxCallsPerDay)
        {
            failures.Add($"{PlayIntegrityOptions.SectionName}:GoogleCallBudget:PerDay must be 1 to {MaxCallsPerDay}.");
        }

        var breaker = options.CircuitBreaker;
        if (breaker is null || breaker.OpenFor < TimeSpan.FromSeconds(1) || breaker.MaxOpenFor > TimeSpan.FromHours(1) || breaker.OpenFor > breaker.MaxOpenFor)
        {
            failures.Add($"{PlayIntegrityOptions.SectionName}:CircuitBreaker needs 00:00:01 <= OpenFor <= MaxOpenFor <= 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsGoogle(Uri endpoint) =>
        endpoint.IsAbsoluteUri
        && endpoint.Scheme == Uri.UriSchemeHttps
        && string.Equals(endpoint.Host, GoogleEndpoint.Host, StringComparison.OrdinalIgnoreCase)
        && endpoint.IsDefaultPort;
}
