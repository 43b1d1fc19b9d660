using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Platforms.Apple.RiskMetric;

/// <summary>
/// Section <c>Attestation:AppleRiskMetric</c>: the team key that authenticates the backend to Apple's App Attest server, and
/// where that server is. With <see cref="KeyId"/> and <see cref="TeamId"/> unset the risk metric is off.
/// </summary>
public sealed class AppleRiskMetricOptions
{
    public const string SectionName = "Attestation:AppleRiskMetric";

    /// <summary>The Key Vault secret (or <c>Attestation:Secrets</c> entry locally) holding the team's .p8 key (PKCS#8 PEM).</summary>
    public const string KeySecretName = "apple-app-attest-server-key";

    /// <summary>The ten-character id of the team's key (one with DeviceCheck enabled): the JWT's <c>kid</c>.</summary>
    public string? KeyId { get; set; }

    /// <summary>The ten-character Apple developer team id: the JWT's <c>iss</c>.</summary>
    public string? TeamId { get; set; }

    /// <summary>Apple's server for keys attested in the development environment; tests point it at a local fake.</summary>
    [Required]
    public Uri DevelopmentEndpoint { get; set; } = AppleRiskMetricOptionsValidator.AppleDevelopmentServer;

    /// <summary>Apple's server for keys attested in the production environment; tests point it at a local fake.</summary>
    [Required]
    public Uri ProductionEndpoint { get; set; } = AppleRiskMetricOptionsValidator.AppleProductionServer;

    /// <summary>How long one exchange may take before it counts as an outage.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most receipts one run of the timer exchanges: Apple rate-limits the team, and a run must end well within the
    /// Functions timeout; the devices left over are due at the next run.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxDevicesPerRun { get; set; } = 200;

    /// <summary>True when both <see cref="KeyId"/> and <see cref="TeamId"/> are set.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(KeyId) && !string.IsNullOrWhiteSpace(TeamId);
}
