using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Challenges;

/// <summary>Section <c>Attestation:Challenge</c>.</summary>
public sealed class ChallengeOptions
{
    public const string SectionName = "Attestation:Challenge";

    /// <summary>How long a challenge stays valid (docs/api.md default: 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ErrorMessage = "Attestation:Challenge:Lifetime must be between 5 seconds and 1 hour.")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);
}
