namespace Attestation.Core.Secrets;

/// <summary>
/// Named secrets of the apps (Play Integrity decryption and verification keys, a Google service account): Key Vault in Azure,
/// configuration (<c>Attestation:Secrets:&lt;name&gt;</c>) in the local run and tests. Values are never logged.
/// </summary>
public interface ISecretStore
{
    /// <summary>The current text of the secret <paramref name="name"/>.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached, or holds no such secret.</exception>
    ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default);
}
