using Attestation.Core.Errors;
using Attestation.Core.Telemetry;
using Attestation.Core.Tokens;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// Signing keys from a Key Vault secret (<see cref="KeyVaultKeyVersions{TKeys}"/>): the newest enabled version signs and
/// verifies, the one created just before it only verifies, and a token whose kid is unknown triggers a rate-limited reload.
/// In ES256 mode each version holds a P-256 private key (base64 PKCS#8) that is imported once per load and signs in this
/// process: signing is on every attest and refresh, and Key Vault's sign operation is throttled far below the rate one
/// instance signs locally (docs/performance.md).
/// </summary>
public sealed class KeyVaultSigningKeyProvider : ISigningKeyProvider, IDisposable
{
    private readonly KeyVaultKeyVersions<SigningKeySet> _keys;

    /// <param name="client">The vault.</param>
    /// <param name="secretName">The secret whose versions are the key versions.</param>
    /// <param name="refreshInterval">How often the versions are read again.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Receives version names and load failures, never a value.</param>
    /// <param name="algorithm">What each version holds: an HS256 secret or an ES256 private key.</param>
    /// <param name="metrics">Counts each read of the vault (<c>attestation.signing_key.loads</c>): the alert on failed loads.</param>
    public KeyVaultSigningKeyProvider(SecretClient client, string secretName, TimeSpan refreshInterval, TimeProvider timeProvider,
        ILogger<KeyVaultSigningKeyProvider> logger, TokenAlgorithm algorithm = TokenAlgorithm.HS256, AttestationMetrics? metrics = null) =>
        _keys = new KeyVaultKeyVersions<SigningKeySet>(client, secretName, "token signing key",
            (current, previous) => new SigningKeySet(Read(algorithm, current), previous is { } p ? Read(algorithm, p) : null),
            refreshInterval, timeProvider, logger, metrics is null ? null : ok => metrics.RecordSigningKeyLoad(ok ? "ok" : "failed"));

    /// <summary>Client options for this backend (<see cref="AzureClientRetry"/>).</summary>
    public static SecretClientOptions CreateClientOptions()
    {
        var options = new SecretClientOptions();
        AzureClientRetry.ApplyFastFailure(options.Retry);
        return options;
    }

    /// <summary>The running (or last) load, if any (tests await it).</summary>
    internal Task BackgroundRefresh => _keys.BackgroundRefresh;

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => _keys.GetAsync(cancellationToken);

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<SigningKeySet> GetKeysIncludingAsync(string kid, CancellationToken cancellationToken = default) =>
        _keys.GetIncludingAsync(keys => keys.Find(kid) is not null, cancellationToken);

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys.IsHealthy);

    /// <summary>Stops the reload timer.</summary>
    public void Dispose() => _keys.Dispose();

    /// <summary>Reads the versions from Key Vault now (joining a load already running) and caches them.</summary>
    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached, refuses access, or holds no usable secret.</exception>
    public Task<SigningKeySet> RefreshAsync(CancellationToken cancellationToken = default) => _keys.ReloadAsync(cancellationToken);

    private static SigningKey Read(TokenAlgorithm algorithm, SecretVersion version) =>
        SigningKey.Read(algorithm, version.Version, version.Value)
            ?? throw new InvalidDataException(algorithm == TokenAlgorithm.ES256
                ? $"Version {version.Version} of the signing secret is not base64 of a P-256 private key in PKCS#8 DER."
                : $"Version {version.Version} of the signing secret is not base64 of at least {SigningKey.MinimumLength} bytes.");
}
