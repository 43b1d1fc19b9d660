using System.Collections.Concurrent;
using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Attestation.Core.Secrets;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// The apps' named secrets (Play Integrity keys, a Google service account) from Key Vault: the newest enabled version of
/// each (listed, then read by version: reading the secret without a version fails once its newest version is disabled),
/// cached in memory (one <see cref="RefreshingValue{T}"/> per name) and read again once the refresh interval has
/// passed, so that attestations do not wait on the vault within the interval.
/// <list type="bullet">
/// <item>Concurrent callers of one secret share one read.</item>
/// <item>A failed reload keeps the cached value and tries again 30 seconds later; without a cached value, the caller
/// gets <see cref="DependencyUnavailableException"/> (503 <c>unavailable</c>), never a 500, and that failure is remembered
/// for 5 seconds, so an outage answers at once instead of queueing every request behind another failing read. A missing
/// secret, or one with no enabled version, is a deployment fault and answers the same way, with the secret's name (never a value) in the log.</item>
/// </list>
/// </summary>
public sealed partial class KeyVaultSecretStore : ISecretStore
{
    private const string DependencyName = "Key Vault";

    private readonly SecretClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultSecretStore> _logger;
    private readonly RefreshingValueOptions _caching;
    private readonly ConcurrentDictionary<string, RefreshingValue<string>> _secrets = new(StringComparer.Ordinal);

    public KeyVaultSecretStore(SecretClient client, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultSecretStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _caching = new RefreshingValueOptions
        {
            RefreshInterval = refreshInterval,

            // A rotated secret is used from the first request after the interval (the documented behaviour).
            WaitForReload = true,
            RetryDelay = TimeSpan.FromSeconds(30),
            RetryDelayWithoutValue = TimeSpan.FromSeconds(5),
        };
    }

    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached (and nothing is cached), or holds no such secret.</exception>
    public ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);

        // Names come from the validated app policies, not from callers, so the dictionary stays small. A value made by a
        // losing racer is never used, and nothing loads until GetAsync.
        var secret = _secrets.GetOrAdd(
            name,
            static (secretName, store) => new RefreshingValue<string>(token => store.LoadAsync(secretName, token), store._caching, store._timeProvider),
            this);
        return secret.GetAsync(cancellationToken);
    }

    private async Task<string> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var newestFirst = await EnabledSecretVersions.NewestFirstAsync(_client, name, cancellationToken).ConfigureAwait(false);
            if (newestFirst.Count == 0)
            {
                throw new InvalidDataException($"The secret '{name}' has no enabled version.");
            }

            KeyVaultSecret secret = await _client.GetSecretAsync(name, newestFirst[0].Version, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(secret.Value))
            {
                throw new InvalidDataException($"The secret '{name}' is empty.");
            }

            LogLoaded(name, secret.Properties.Version);
            return secret.Value;
        }
        catch (Exception exception) when (KeyVaultFailures.IsOutage(exception))
        {
            LogLoadFailed(name, exception is RequestFailedException { Status: > 0 } failed ? failed.Status : 0, exception.GetType().Name);
            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Loaded secret {SecretName} (version {Version}) from Key Vault")]
    private partial void LogLoaded(string secretName, string version);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Reading secret {SecretName} from Key Vault failed (status {Status}, {ExceptionType}); a cached value, if any, stays in use")]
    private partial void LogLoadFailed(string secretName, int status, string exceptionType);
}
