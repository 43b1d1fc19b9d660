namespace Attestation.Core.Tokens;

/// <summary>
/// Section <c>Attestation:SigningKey</c>. With <see cref="KeyVaultUri"/> set, the secret <see cref="SecretName"/> is read
/// from Key Vault and its versions are the key versions. Without it (the local run), the keys come from
/// <see cref="Current"/> and <see cref="Previous"/> here.
/// </summary>
public sealed class SigningKeyOptions
{
    public const string SectionName = "Attestation:SigningKey";

    /// <summary>The vault, e.g. <c>https://my-vault.vault.azure.net/</c>. Empty: keys come from configuration.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>The Key Vault secret holding base64 of at least 32 random bytes.</summary>
    public string SecretName { get; set; } = "token-signing-key";

    /// <summary>How often the Key Vault versions are read again (a new version signs from then on).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Configuration keys: the current one (signs and verifies).</summary>
    public ConfiguredSigningKey? Current { get; set; }

    /// <summary>Configuration keys: the previous one (verifies only).</summary>
    public ConfiguredSigningKey? Previous { get; set; }
}
