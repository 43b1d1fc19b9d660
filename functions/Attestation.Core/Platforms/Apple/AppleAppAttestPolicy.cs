namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// The App Attest section of an app (<c>Attestation:Apps:N:Apple</c>). Bound from configuration or the app registry;
/// treated as read-only once the policy is built.
/// </summary>
public sealed class AppleAppAttestPolicy
{
    /// <summary>The Apple developer team id (ten characters).</summary>
    public string? TeamId { get; set; }

    /// <summary>The app's bundle id.</summary>
    public string? BundleId { get; set; }

    /// <summary>True to accept keys attested in the development environment (aaguid <c>appattestdevelop</c>).</summary>
    public bool AllowDevelopment { get; set; }

    /// <summary>
    /// The highest risk metric (Apple's count of keys attested for the app on the device in the last 30 days) a device may
    /// have and still refresh; null for no limit. Read from the device's latest receipt from Apple's App Attest server.
    /// </summary>
    public int? MaximumRiskMetric { get; set; }
}
