using Attestation.Core.Secrets;

namespace Attestation.Core.Tokens;

/// <summary>
/// Section <c>Attestation:SigningKey</c>. With <see cref="KeyVaultUri"/> set, the secret <see cref="SecretName"/> is read
/// from Key Vault and its versions are the key versions. Without it (the local run), the keys come from
/// <see cref="RotatedKeyOptions.Current"/> and <see cref="RotatedKeyOptions.Previous"/> here. The vault also holds the
/// challenge key and the apps' secrets.
/// </summary>
public sealed class SigningKeyOptions : RotatedKeyOptions
{
    public const string SectionName = "Attestation:SigningKey";

    /// <summary>The vault, e.g. <c>https://my-vault.vault.azure.net/</c>. Empty: keys come from configuration.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <inheritdoc/>
    public override string SecretName { get; set; } = "token-signing-key";
}
