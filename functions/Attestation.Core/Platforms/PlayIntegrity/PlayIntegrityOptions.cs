using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>Section <c>Attestation:PlayIntegrity</c>: where standard integrity tokens are decoded.</summary>
public sealed class PlayIntegrityOptions
{
    public const string SectionName = "Attestation:PlayIntegrity";

    /// <summary>The Play Integrity API; tests point it at a local fake. <c>v1/{packageName}:decodeIntegrityToken</c> is appended.</summary>
    [Required]
    public Uri DecodeEndpoint { get; set; } = PlayIntegrityOptionsValidator.GoogleEndpoint;

    /// <summary>How long one decode call may take before the attestation answers 503.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Attestation:PlayIntegrity:GoogleCallBudget</c>: how many decode calls each app may make.</summary>
    public GoogleCallBudgetOptions GoogleCallBudget { get; set; } = new();

    /// <summary><c>Attestation:PlayIntegrity:CircuitBreaker</c>: how long Google is left alone after a throttle or an outage.</summary>
    public GoogleCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
