using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Apps;

/// <summary>Section <c>Attestation:AppRegistry</c>: how long an instance serves its in-memory copy of the app registry.</summary>
public sealed class AppRegistryOptions
{
    public const string SectionName = "Attestation:AppRegistry";

    /// <summary>
    /// How old the cached registry may get before the next lookup reloads it (default 30 seconds). An admin change made on
    /// another instance takes effect here within this interval; on the instance that made it, at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
