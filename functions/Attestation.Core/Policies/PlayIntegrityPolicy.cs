namespace Attestation.Core.Policies;

/// <summary>
/// The Play Integrity section of an app (<c>Attestation:Apps:N:PlayIntegrity</c>). Bound from configuration or the app
/// registry; treated as read-only once the policy is built.
/// </summary>
public sealed class PlayIntegrityPolicy
{
    /// <summary>The package name the verdict must name.</summary>
    public string? PackageName { get; set; }

    /// <summary>Allow-list of signing certificate SHA-256 digests (hex or base64url); the verdict must name one of them.</summary>
    public IList<string> SigningCertificateDigests { get; } = [];
}
