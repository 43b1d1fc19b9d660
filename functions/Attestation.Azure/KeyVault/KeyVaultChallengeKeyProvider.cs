using Attestation.Core.Challenges;
using Attestation.Core.Errors;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// Challenge keys from a Key Vault secret (<see cref="KeyVaultKeyVersions{TKeys}"/>), the same way as the signing key:
/// the newest enabled version seals, the one created just before it is still accepted, and a challenge naming an unknown
/// key id triggers a rate-limited reload.
/// </summary>
public sealed class KeyVaultChallengeKeyProvider : IChallengeKeyProvider, IDisposable
{
    private readonly KeyVaultKeyVersions<ChallengeKeySet> _keys;

    public KeyVaultChallengeKeyProvider(SecretClient client, string secretName, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultChallengeKeyProvider> logger) =>
        _keys = new KeyVaultKeyVersions<ChallengeKeySet>(client, secretName, "challenge key",
            (current, previous) => new ChallengeKeySet(Read(current), previous is { } p ? Read(p) : null),
            refreshInterval, timeProvider, logger);

    /// <summary>The running (or last) load, if any (tests await it).</summary>
    internal Task BackgroundRefresh => _keys.BackgroundRefresh;

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => _keys.GetAsync(cancellationToken);

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<ChallengeKeySet> GetKeysIncludingAsync(uint keyId, CancellationToken cancellationToken = default) =>
        _keys.GetIncludingAsync(keys => keys.Find(keyId) is not null, cancellationToken);

    /// <summary>Stops the reload timer.</summary>
    public void Dispose() => _keys.Dispose();

    private static ChallengeKey Read(SecretVersion version) =>
        ChallengeKey.FromBase64(version.Version, version.Value)
            ?? throw new InvalidDataException($"Version {version.Version} of the challenge key is not base64 of at least {ChallengeKey.MinimumLength} bytes.");
}
