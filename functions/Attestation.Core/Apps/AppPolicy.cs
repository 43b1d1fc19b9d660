using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Debug;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Apps;

/// <summary>
/// What one app accepts. Platform verifiers read their own section (<see cref="Apple"/>, <see cref="AndroidKey"/>,
/// <see cref="PlayIntegrity"/>, <see cref="Debug"/>) and check it with
/// their <c>IPlatformPolicyValidator</c>.
/// </summary>
public sealed class AppPolicy
{
    public AppPolicy(string appId, IEnumerable<string> platforms, FailureMode failureMode, IEnumerable<byte[]> debugTokenHashes)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(platforms);
        ArgumentNullException.ThrowIfNull(debugTokenHashes);
        AppId = appId;
        Platforms = new HashSet<string>(platforms, StringComparer.Ordinal);
        FailureMode = failureMode;
        Debug = new DebugPolicy(debugTokenHashes);
    }

    /// <summary>The maximum registration age of an app that sets none: 30 days.</summary>
    public static readonly TimeSpan DefaultMaximumRegistrationAge = TimeSpan.FromDays(30);

    /// <summary>
    /// The longest maximum registration age an app may set: a year. A registration is re-checked at every refresh against
    /// what it attested then, but only a new attestation shows what the device is now (its patch level, its boot state).
    /// </summary>
    public static readonly TimeSpan LongestMaximumRegistrationAge = TimeSpan.FromDays(365);

    public string AppId { get; }

    public IReadOnlySet<string> Platforms { get; }

    public FailureMode FailureMode { get; }

    /// <summary>The <c>debug</c> platform's section: the SHA-256 of each registered debug token (never the tokens).</summary>
    public DebugPolicy Debug { get; }

    /// <summary>The App Attest section, or null when the app has none.</summary>
    public AppleAppAttestPolicy? Apple { get; init; }

    /// <summary>The Android Key Attestation section, or null when the app has none.</summary>
    public AndroidKeyAttestationPolicy? AndroidKey { get; init; }

    /// <summary>The Play Integrity section, or null when the app has none.</summary>
    public PlayIntegrityPolicy? PlayIntegrity { get; init; }

    /// <summary>
    /// How long after its attestation a registration may refresh; an older one answers <c>attestation_required</c>, so that
    /// the device attests again and its evidence is checked afresh (issue 16, finding 3).
    /// </summary>
    public TimeSpan MaximumRegistrationAge { get; init; } = DefaultMaximumRegistrationAge;

    public bool IsPlatformEnabled(string platform) => Platforms.Contains(platform);
}
