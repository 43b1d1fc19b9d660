namespace Attestation.Core.Secrets;

/// <summary>
/// The settings every rotated key shares (the token signing key, the challenge key): with a Key Vault, the secret
/// <see cref="SecretName"/> whose versions are the key versions, reloaded every <see cref="RefreshInterval"/>; without
/// one (the local run), <see cref="Current"/> and <see cref="Previous"/> here. The newest version is used, the one before
/// it is still accepted, so adding a version rotates the key without refusing what the previous one sealed.
/// </summary>
public abstract class RotatedKeyOptions
{
    /// <summary>The Key Vault secret holding base64 of at least 32 random bytes.</summary>
    public abstract string SecretName { get; set; }

    /// <summary>How often the Key Vault versions are read again (a new version is used from then on).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Configuration keys: the current one (used and accepted).</summary>
    public ConfiguredKeyVersion? Current { get; set; }

    /// <summary>Configuration keys: the previous one (accepted only).</summary>
    public ConfiguredKeyVersion? Previous { get; set; }
}
