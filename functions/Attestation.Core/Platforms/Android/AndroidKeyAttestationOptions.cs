using System.ComponentModel.DataAnnotations;

namespace Attestation.Core.Platforms.Android;

/// <summary>Settings of the Android Key Attestation verifier (section <c>Attestation:AndroidKey</c>).</summary>
public sealed class AndroidKeyAttestationOptions
{
    public const string SectionName = "Attestation:AndroidKey";

    /// <summary>Where Google publishes the attestation status list.</summary>
    public Uri StatusListUri { get; set; } = new("https://android.googleapis.com/attestation/status");

    /// <summary>A local copy of the status list, read instead of <see cref="StatusListUri"/> when set (air-gapped runs, tests).</summary>
    public string? StatusListFile { get; set; }

    /// <summary>How long a fetched list is used before it is fetched again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StatusListRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the last good copy keeps serving while the list cannot be fetched. Past it (or with no copy at all) an
    /// Android attestation answers 503 <c>unavailable</c> rather than skip the revocation check.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan StatusListMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long to wait after a failed fetch before trying again (requests meanwhile use the last good copy).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatusListRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// FOR TESTS ONLY: extra root public keys (base64 SubjectPublicKeyInfo DER) trusted beside Google's. Refused at start in
    /// Azure; logged as a warning wherever it is set.
    /// </summary>
    public IList<string> TestOnlyTrustedRootPublicKeys { get; } = [];
}
