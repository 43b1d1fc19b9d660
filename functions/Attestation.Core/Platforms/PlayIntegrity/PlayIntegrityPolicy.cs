namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The Play Integrity section of an app (<c>Attestation:Apps:N:PlayIntegrity</c>). Bound from configuration or the app
/// registry; treated as read-only once the policy is built. Secrets are named here, never written here: their values live
/// in the secret store (Key Vault in Azure, <c>Attestation:Secrets:&lt;name&gt;</c> locally).
/// </summary>
public sealed class PlayIntegrityPolicy
{
    /// <summary>The package name the verdict must name (<c>requestDetails.requestPackageName</c>).</summary>
    public string? PackageName { get; set; }

    /// <summary>Allow-list of signing certificate SHA-256 digests (hex or base64url); the verdict must name one of them.</summary>
    public IList<string> SigningCertificateDigests { get; } = [];

    /// <summary>
    /// Which integrity tokens the app sends: <c>classic</c> (default; decrypted and verified here with the app's own keys,
    /// <c>nonce</c> carries the challenge), <c>standard</c> (decoded by Google's <c>decodeIntegrityToken</c>,
    /// <c>requestHash</c> carries the challenge), or <c>both</c> (a token of five dot-separated parts, a JWE, is classic;
    /// anything else is standard).
    /// </summary>
    public string Mode { get; set; } = "classic";

    /// <summary>Name of the secret holding the Play Console decryption key (base64 of 32 AES bytes). Classic tokens.</summary>
    public string? DecryptionKeySecretName { get; set; }

    /// <summary>Name of the secret holding the Play Console verification key (base64 DER SubjectPublicKeyInfo, P-256). Classic tokens.</summary>
    public string? VerificationKeySecretName { get; set; }

    /// <summary>Name of the secret holding the Google service account JSON key that may call <c>decodeIntegrityToken</c>. Standard tokens.</summary>
    public string? ServiceAccountSecretName { get; set; }

    /// <summary>How old the verdict (<c>requestDetails.timestampMillis</c>) may be; default 5 minutes, the challenge lifetime.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Accepted <c>appIntegrity.appRecognitionVerdict</c> values. Empty means the default, <c>PLAY_RECOGNIZED</c> only (a list
    /// default would be appended to, not replaced, by configuration binding).
    /// </summary>
    public IList<string> AllowedAppRecognitionVerdicts { get; } = [];

    /// <summary>The device verdict required: <c>basic</c>, <c>device</c> (default) or <c>strong</c>.</summary>
    public string MinimumDeviceVerdict { get; set; } = "device";

    /// <summary>Require <c>accountDetails.appLicensingVerdict</c> = <c>LICENSED</c>.</summary>
    public bool RequireLicensed { get; set; }
}
