using System.ComponentModel.DataAnnotations;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Apps;

/// <summary>One app as configuration spells it (<c>Attestation:Apps:0:AppId</c>, or <c>Attestation__Apps__0__AppId</c> as an app setting).</summary>
public sealed class AppPolicyConfiguration
{
    [Required]
    public string? AppId { get; set; }

    /// <summary>Enabled platforms: any of <c>apple-app-attest</c>, <c>android-key-attestation</c>, <c>play-integrity</c>, <c>debug</c>.</summary>
    public IList<string> Platforms { get; } = [];

    /// <summary><c>reject</c> (default) or <c>decoy</c>.</summary>
    public string FailureMode { get; set; } = "reject";

    /// <summary>
    /// How long a registration may refresh before the device must attest again (<c>d.hh:mm:ss</c>, more than zero, at most
    /// <see cref="AppPolicy.LongestMaximumRegistrationAge"/>); null or absent for <see cref="AppPolicy.DefaultMaximumRegistrationAge"/>.
    /// </summary>
    public TimeSpan? MaximumRegistrationAge { get; set; }

    /// <summary>Lowercase or uppercase hex SHA-256 of each debug token (the token itself never sits in configuration).</summary>
    public IList<string> DebugTokenSha256 { get; } = [];

    /// <summary>The App Attest section, required when <c>apple-app-attest</c> is enabled.</summary>
    public AppleAppAttestPolicy? Apple { get; set; }

    /// <summary>The Android Key Attestation section, required when <c>android-key-attestation</c> is enabled.</summary>
    public AndroidKeyAttestationPolicy? AndroidKey { get; set; }

    /// <summary>The Play Integrity section, required when <c>play-integrity</c> is enabled.</summary>
    public PlayIntegrityPolicy? PlayIntegrity { get; set; }
}
