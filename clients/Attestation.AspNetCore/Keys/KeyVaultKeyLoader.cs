using Azure.Security.KeyVault.Secrets;

namespace Attestation.AspNetCore.Keys;

/// <summary>
/// Reads the backend's HS256 keys from its Key Vault secret the way the backend does (Attestation.Azure's
/// KeyVaultKeyVersions): the newest enabled version is current, the enabled one created just before it is previous, no
/// older version is accepted. Disabling the newest version is how an operator rolls the key back, so versions are listed
/// rather than the unversioned secret read.
/// </summary>
internal sealed class KeyVaultKeyLoader
{
    private readonly SecretClient _client;
    private readonly string _secretName;

    public KeyVaultKeyLoader(SecretClient client, string secretName)
    {
        _client = client;
        _secretName = secretName;
    }

    public async Task<AttestationKeySet> LoadAsync(CancellationToken cancellationToken)
    {
        var enabled = new List<SecretProperties>();
        await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync(_secretName, cancellationToken).ConfigureAwait(false))
        {
            if (properties.Enabled == true && properties.CreatedOn is not null)
            {
                enabled.Add(properties);
            }
        }

        enabled.Sort((a, b) => b.CreatedOn!.Value.CompareTo(a.CreatedOn!.Value));
        var keys = new List<Microsoft.IdentityModel.Tokens.SecurityKey>();
        foreach (var version in enabled.Take(2))
        {
            KeyVaultSecret secret = await _client.GetSecretAsync(_secretName, version.Version, cancellationToken).ConfigureAwait(false);
            keys.Add(AttestationKeySet.SymmetricKeyFrom(secret.Properties.Version, secret.Value)
                ?? throw new InvalidDataException($"Version {secret.Properties.Version} of the signing secret is not base64 of at least 32 bytes."));
        }

        return new AttestationKeySet("HS256", keys);
    }
}
