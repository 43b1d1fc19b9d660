using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Revocation;

/// <summary>Section <c>Attestation:Revocation</c>: how often each instance reads what changed in the revocation log.</summary>
public sealed class RevocationOptions
{
    public const string SectionName = "Attestation:Revocation";

    /// <summary>
    /// How often an instance reads the log's changes into its view (default 10 seconds): a revocation made on another
    /// instance is refused here within this interval plus one read. On the instance that made it, at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Attestation:Revocation:RefreshInterval must be between 1 second and 5 minutes.")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}
