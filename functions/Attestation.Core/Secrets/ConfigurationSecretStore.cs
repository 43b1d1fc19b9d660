using Attestation.Core.Errors;

namespace Attestation.Core.Secrets;

/// <summary>
/// Secrets written in configuration under <c>Attestation:Secrets:&lt;name&gt;</c>: the local run and tests only (no Key
/// Vault emulator exists). A deployed backend reads them from Key Vault.
/// </summary>
public sealed class ConfigurationSecretStore : ISecretStore
{
    /// <summary>The configuration section holding one value per secret name.</summary>
    public const string SectionName = "Attestation:Secrets";

    private readonly Dictionary<string, string> _secrets;

    public ConfigurationSecretStore(IEnumerable<KeyValuePair<string, string?>> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in secrets)
        {
            if (!string.IsNullOrEmpty(value))
            {
                _secrets[name] = value;
            }
        }
    }

    /// <exception cref="DependencyUnavailableException">No secret has that name.</exception>
    public ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);

        // A missing secret is a deployment fault, not the caller's: 503, and the log names the secret (never its value).
        return _secrets.TryGetValue(name, out var value)
            ? ValueTask.FromResult(value)
            : ValueTask.FromException<string>(new DependencyUnavailableException("Secret store", new KeyNotFoundException($"The secret '{name}' is not configured under {SectionName}.")));
    }
}
