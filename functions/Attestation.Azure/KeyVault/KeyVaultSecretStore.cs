using System.Collections.Concurrent;
using Attestation.Core.Errors;
using Attestation.Core.Secrets;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// The apps' named secrets (Play Integrity keys, a Google service account) from Key Vault: the latest enabled version of
/// each, cached in memory for the refresh interval so that attestations do not wait on the vault.
/// <list type="bullet">
/// <item>Concurrent callers of one secret share one read.</item>
/// <item>A failed reload keeps the cached value and tries again after a short delay; without a cached value, the caller
/// gets <see cref="DependencyUnavailableException"/> (503 <c>unavailable</c>), never a 500. A missing secret is a
/// deployment fault and answers the same way, with the secret's name (never a value) in the log.</item>
/// </list>
/// </summary>
public sealed partial class KeyVaultSecretStore : ISecretStore
{
    private const string DependencyName = "Key Vault";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly SecretClient _client;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultSecretStore> _logger;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _loading = new(StringComparer.Ordinal);

    public KeyVaultSecretStore(SecretClient client, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultSecretStore> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _refreshInterval = refreshInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached (and nothing is cached), or holds no such secret.</exception>
    public async ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached) && now < cached.NextRefreshAt)
        {
            return cached.Value;
        }

        try
        {
            return await LoadSharedAsync(name).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException) when (cached is not null)
        {
            // Keep serving the last value read; the next try comes after a pause rather than on every request.
            _cache[name] = cached with { NextRefreshAt = _timeProvider.GetUtcNow() + RetryAfterFailure };
            return cached.Value;
        }
    }

    private Task<string> LoadSharedAsync(string name)
    {
        // The read is not cancelled by one caller's token: others may be waiting for it.
        var loading = _loading.GetOrAdd(name, n => new Lazy<Task<string>>(() => LoadAndStoreAsync(n)));
        return loading.Value;
    }

    private async Task<string> LoadAndStoreAsync(string name)
    {
        try
        {
            KeyVaultSecret secret = await _client.GetSecretAsync(name).ConfigureAwait(false);
            if (string.IsNullOrEmpty(secret.Value))
            {
                throw new InvalidDataException($"The secret '{name}' is empty.");
            }

            _cache[name] = new Cached(secret.Value, _timeProvider.GetUtcNow() + _refreshInterval);
            LogLoaded(name, secret.Properties.Version);
            return secret.Value;
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or AuthenticationFailedException
            or CredentialUnavailableException or HttpRequestException or InvalidDataException or OperationCanceledException)
        {
            LogLoadFailed(name, exception is RequestFailedException { Status: > 0 } failed ? failed.Status : 0, exception.GetType().Name);
            throw new DependencyUnavailableException(DependencyName, exception);
        }
        finally
        {
            _loading.TryRemove(name, out _);
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Loaded secret {SecretName} (version {Version}) from Key Vault")]
    private partial void LogLoaded(string secretName, string version);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Reading secret {SecretName} from Key Vault failed (status {Status}, {ExceptionType}); a cached value, if any, stays in use")]
    private partial void LogLoadFailed(string secretName, int status, string exceptionType);

    private sealed record Cached(string Value, DateTimeOffset NextRefreshAt);
}
