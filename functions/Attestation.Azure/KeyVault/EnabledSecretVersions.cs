using Azure.Security.KeyVault.Secrets;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// The enabled versions of a secret, newest first. Key Vault's "get secret" without a version reads the newest version
/// whatever its state, and answers 403 (<c>SecretDisabled</c>) once it is disabled; disabling the newest version is how
/// an operator rolls a secret back, so every reader lists the versions and reads the newest enabled one instead.
/// </summary>
internal static class EnabledSecretVersions
{
    /// <summary>Lists every version (all pages) and keeps the enabled ones that have a creation time, newest first.</summary>
    public static async Task<List<SecretProperties>> NewestFirstAsync(SecretClient client, string secretName, CancellationToken cancellationToken)
    {
        var enabled = new List<SecretProperties>();
        await foreach (var properties in client.GetPropertiesOfSecretVersionsAsync(secretName, cancellationToken).ConfigureAwait(false))
        {
            if (properties.Enabled == true && properties.CreatedOn is not null)
            {
                enabled.Add(properties);
            }
        }

        enabled.Sort((a, b) => b.CreatedOn!.Value.CompareTo(a.CreatedOn!.Value));
        return enabled;
    }
}
