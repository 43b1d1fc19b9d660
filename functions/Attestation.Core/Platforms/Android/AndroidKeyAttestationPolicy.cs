namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The Android Key Attestation section of an app (<c>Attestation:Apps:N:AndroidKey</c>). Bound from configuration or the
/// app registry; treated as read-only once the policy is built.
/// </summary>
public sealed class AndroidKeyAttestationPolicy
{
    /// <summary>The package name the attestation must name.</summary>
    public string? PackageName { get; set; }

    /// <summary>Allow-list of signing certificate SHA-256 digests (hex or base64url); the evidence must name one of them.</summary>
    public IList<string> SigningCertificateDigests { get; } = [];

    /// <summary>Require the verified boot state <c>Verified</c>.</summary>
    public bool RequireVerifiedBoot { get; set; } = true;

    /// <summary>Require a locked bootloader.</summary>
    public bool RequireLockedBootloader { get; set; } = true;

    /// <summary><c>tee</c> (default) or <c>strongbox</c>.</summary>
    public string MinimumSecurityLevel { get; set; } = "tee";

    /// <summary>Minimum OS patch level as <c>YYYYMM</c>, or null for none.</summary>
    public int? MinimumOsPatchLevel { get; set; }

    /// <summary>
    /// The most distinct attested keys a factory batch certificate may have vouched for before this app refuses its further
    /// keys (<see cref="AndroidBatchCertificateLimit"/>), or null for no limit; remotely provisioned chains are exempt.
    /// </summary>
    public int? MaximumDevicesPerBatchCertificate { get; set; }

    /// <summary>
    /// A <see cref="MinimumSecurityLevel"/> as a security level: <c>tee</c> or <c>strongbox</c>; null for anything else. A
    /// static method rather than a property, so that the policy's JSON (the app registry's) stays as it is.
    /// </summary>
    public static KeySecurityLevel? ParseSecurityLevel(string? text) => text switch
    {
        "tee" => KeySecurityLevel.TrustedEnvironment,
        "strongbox" => KeySecurityLevel.StrongBox,
        _ => null,
    };
}
