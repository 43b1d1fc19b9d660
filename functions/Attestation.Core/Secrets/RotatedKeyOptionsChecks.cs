namespace Attestation.Core.Secrets;

/// <summary>
/// The start-up checks every <see cref="RotatedKeyOptions"/> shares. Messages name the setting, never a secret. In production
/// a key must come from Key Vault: keys in app settings (and the sample's public development keys above all) are for the
/// local run only.
/// </summary>
public static class RotatedKeyOptionsChecks
{
    /// <param name="options">The options to check.</param>
    /// <param name="section">The section, e.g. <c>Attestation:SigningKey</c>, for the messages.</param>
    /// <param name="usesKeyVault">Whether the key is read from Key Vault (its configured versions are then ignored).</param>
    /// <param name="production">Whether production rules apply (the environment is not Development): configured versions are refused.</param>
    /// <param name="isUsableSecret">Whether a configured base64 secret is a usable key.</param>
    /// <param name="keyForm">What a usable secret is, for the messages (e.g. "base64 of at least 32 bytes").</param>
    /// <param name="errors">Receives one message per problem.</param>
    public static void Check(RotatedKeyOptions options, string section, bool usesKeyVault, bool production, Func<string?, bool> isUsableSecret, string keyForm, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isUsableSecret);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{section}:RefreshInterval must be between 1 second and 1 day.");
        }

        if (usesKeyVault)
        {
            if (string.IsNullOrWhiteSpace(options.SecretName))
            {
                errors.Add($"{section}:SecretName is required with a Key Vault.");
            }

            return;
        }

        if (production)
        {
            return;
        }

        CheckVersion(options.Current, section, "Current", required: true, isUsableSecret, keyForm, errors);
        CheckVersion(options.Previous, section, "Previous", required: false, isUsableSecret, keyForm, errors);
        if (IsGiven(options.Current) && IsGiven(options.Previous)
            && string.Equals(options.Current!.Version, options.Previous!.Version, StringComparison.Ordinal))
        {
            errors.Add($"{section}:Previous:Version must differ from Current:Version.");
        }
    }

    /// <summary>Whether any part of a configured version is set (an empty pair, as the sample's Previous, counts as absent).</summary>
    public static bool IsGiven(ConfiguredKeyVersion? key) =>
        key is not null && (!string.IsNullOrEmpty(key.Version) || !string.IsNullOrEmpty(key.Secret));

    private static void CheckVersion(ConfiguredKeyVersion? key, string section, string which, bool required, Func<string?, bool> isUsableSecret, string keyForm, List<string> errors)
    {
        if (!IsGiven(key))
        {
            if (required)
            {
                errors.Add($"{section}:{which} is required when Attestation:SigningKey:KeyVaultUri is not set.");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(key!.Version))
        {
            errors.Add($"{section}:{which}:Version is required.");
        }

        if (!isUsableSecret(key.Secret))
        {
            errors.Add($"{section}:{which}:Secret must be {keyForm}.");
        }
    }
}
