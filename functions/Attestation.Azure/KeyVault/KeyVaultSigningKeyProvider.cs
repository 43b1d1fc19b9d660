using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Attestation.Core.Tokens;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// Signing keys from a Key Vault secret. The newest enabled version signs and verifies, the enabled version created just
/// before it only verifies (so a rotation breaks no live token), and no older version is accepted.
/// <list type="bullet">
/// <item>Versions are cached in memory (a <see cref="RefreshingValue{T}"/>) and reloaded in the background once the refresh
/// interval has passed: by a timer, so a new version signs within the interval (plus one Key Vault read) even on an
/// instance that gets no request, and, should the timer be late (a frozen instance), by the next caller. Callers keep the
/// cached keys meanwhile, so the token hot path never waits on Key Vault after the first load.</item>
/// <item>Loads are shared: concurrent callers wait for one read of the vault. A failed first load is remembered for 5
/// seconds, so an outage answers 503 at once instead of queueing every request behind another failing read.</item>
/// <item>A failed reload keeps the keys it had (for as long as the outage lasts) and the timer tries again 30 seconds later.</item>
/// <item>A token whose kid is unknown triggers a reload (at most one every few seconds, since kids come from callers):
/// another instance may already sign with a version this one has not seen.</item>
/// </list>
/// </summary>
public sealed partial class KeyVaultSigningKeyProvider : ISigningKeyProvider, IDisposable
{
    private const string DependencyName = "Key Vault";
    private static readonly TimeSpan UnknownKidReloadSpacing = TimeSpan.FromSeconds(5);

    private readonly SecretClient _client;
    private readonly string _secretName;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultSigningKeyProvider> _logger;
    private readonly RefreshingValue<SigningKeySet> _keys;
    private readonly Lock _gate = new();
    private long? _lastUnknownKidReload;

    public KeyVaultSigningKeyProvider(SecretClient client, string secretName, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultSigningKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _secretName = secretName;
        _timeProvider = timeProvider;
        _logger = logger;
        _keys = new RefreshingValue<SigningKeySet>(LoadAsync, new RefreshingValueOptions
        {
            RefreshInterval = refreshInterval,
            ReloadOnTimer = true,
            RetryDelay = TimeSpan.FromSeconds(30),

            // Without keys every token request fails, so a failed first load is retried sooner, but not per request.
            RetryDelayWithoutValue = TimeSpan.FromSeconds(5),
        }, timeProvider);
    }

    /// <summary>Client options for this backend (<see cref="AzureClientRetry"/>).</summary>
    public static SecretClientOptions CreateClientOptions()
    {
        var options = new SecretClientOptions();
        AzureClientRetry.ApplyFastFailure(options.Retry);
        return options;
    }

    /// <summary>The running (or last) load, if any (tests await it).</summary>
    internal Task BackgroundRefresh => _keys.LatestLoad;

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => _keys.GetAsync(cancellationToken);

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public async ValueTask<SigningKeySet> GetKeysIncludingAsync(string kid, CancellationToken cancellationToken = default)
    {
        var keys = await GetKeysAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Find(kid) is not null)
        {
            return keys;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            if (_lastUnknownKidReload is { } last && _timeProvider.GetElapsedTime(last, now) < UnknownKidReloadSpacing)
            {
                return keys;
            }

            _lastUnknownKidReload = now;
        }

        try
        {
            return await _keys.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            return keys;
        }
    }

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.HasValue && !_keys.LastLoadFailed);

    /// <summary>Stops the reload timer.</summary>
    public void Dispose() => _keys.Dispose();

    /// <summary>Reads the versions from Key Vault now (joining a load already running) and caches them.</summary>
    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached, refuses access, or holds no usable secret.</exception>
    public Task<SigningKeySet> RefreshAsync(CancellationToken cancellationToken = default) => _keys.ReloadAsync(cancellationToken);

    private async Task<SigningKeySet> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The newest enabled version signs; the enabled one created just before it still verifies.
            var enabled = new List<SecretProperties>();
            await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync(_secretName, cancellationToken).ConfigureAwait(false))
            {
                if (properties.Enabled == true && properties.CreatedOn is not null)
                {
                    enabled.Add(properties);
                }
            }

            var newestFirst = enabled.OrderByDescending(p => p.CreatedOn).ToList();
            if (newestFirst.Count == 0)
            {
                throw new InvalidDataException($"The secret '{_secretName}' has no enabled version.");
            }

            var current = await ReadKeyAsync(newestFirst[0], cancellationToken).ConfigureAwait(false);
            var previous = newestFirst.Count > 1 ? await ReadKeyAsync(newestFirst[1], cancellationToken).ConfigureAwait(false) : null;
            var keys = new SigningKeySet(current, previous);
            LogLoaded(keys.Current.Version, keys.Previous?.Version ?? "none");
            return keys;
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or AuthenticationFailedException
            or CredentialUnavailableException or HttpRequestException or InvalidDataException or OperationCanceledException)
        {
            LogLoadFailed(exception);
            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    private async Task<SigningKey> ReadKeyAsync(SecretProperties version, CancellationToken cancellationToken)
    {
        KeyVaultSecret secret = await _client.GetSecretAsync(_secretName, version.Version, cancellationToken).ConfigureAwait(false);
        return SigningKey.FromBase64(secret.Properties.Version, secret.Value)
            ?? throw new InvalidDataException($"Version {secret.Properties.Version} of the signing secret is not base64 of at least {SigningKey.MinimumLength} bytes.");
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded token signing key versions: current {CurrentVersion}, previous {PreviousVersion}")]
    private partial void LogLoaded(string currentVersion, string previousVersion);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Loading the token signing key from Key Vault failed; cached versions, if any, stay in use")]
    private partial void LogLoadFailed(Exception exception);
}
