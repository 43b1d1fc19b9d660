using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// A rotated key held as a Key Vault secret, each version a key (the token signing key, the challenge key). The newest
/// enabled version is current, the enabled version created just before it is previous (still accepted, so a rotation
/// refuses nothing the previous one made), and no older version is accepted.
/// <list type="bullet">
/// <item>Versions are cached in memory (a <see cref="RefreshingValue{T}"/>) and reloaded in the background once the refresh
/// interval has passed: by a timer, so a new version is used within the interval (plus one Key Vault read) even on an
/// instance that gets no request, and, should the timer be late (a frozen instance), by the next caller. Callers keep the
/// cached keys meanwhile, so the request path never waits on Key Vault after the first load.</item>
/// <item>Loads are shared: concurrent callers wait for one read of the vault. A failed first load is remembered for 5
/// seconds, so an outage answers 503 at once instead of queueing every request behind another failing read.</item>
/// <item>A failed reload keeps the keys it had (for as long as the outage lasts) and the timer tries again 30 seconds later.</item>
/// <item>A key id the cached versions lack triggers a reload (at most one every few seconds, since key ids come from
/// callers): another instance may already use a version this one has not seen.</item>
/// </list>
/// </summary>
/// <typeparam name="TKeys">The current and previous keys, as the consumer holds them.</typeparam>
public sealed class KeyVaultKeyVersions<TKeys> : IDisposable
    where TKeys : class
{
    private const string DependencyName = "Key Vault";
    private static readonly TimeSpan UnknownKeyReloadSpacing = TimeSpan.FromSeconds(5);

    private readonly SecretClient _client;
    private readonly string _secretName;
    private readonly string _purpose;
    private readonly Func<SecretVersion, SecretVersion?, TKeys> _read;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action<bool>? _loadCompleted;
    private readonly RefreshingValue<TKeys> _keys;
    private readonly Lock _gate = new();
    private long? _lastUnknownKeyReload;

    /// <param name="client">The vault.</param>
    /// <param name="secretName">The secret whose versions are the keys.</param>
    /// <param name="purpose">What the key is for, in log lines (e.g. "token signing key").</param>
    /// <param name="read">Makes the keys of the current and previous versions; throws <see cref="InvalidDataException"/> for a value that is no usable key.</param>
    /// <param name="refreshInterval">How often the versions are read again.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Receives the versions loaded (names only) and load failures.</param>
    /// <param name="loadCompleted">Told of each read of the vault: true when it gave usable keys, false when it failed.</param>
    public KeyVaultKeyVersions(SecretClient client, string secretName, string purpose, Func<SecretVersion, SecretVersion?, TKeys> read,
        TimeSpan refreshInterval, TimeProvider timeProvider, ILogger logger, Action<bool>? loadCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _secretName = secretName;
        _purpose = purpose;
        _read = read;
        _timeProvider = timeProvider;
        _logger = logger;
        _loadCompleted = loadCompleted;
        _keys = new RefreshingValue<TKeys>(LoadAsync, new RefreshingValueOptions
        {
            RefreshInterval = refreshInterval,
            ReloadOnTimer = true,
            RetryDelay = TimeSpan.FromSeconds(30),

            // Without keys every request that needs them fails, so a failed first load is retried sooner, but not per request.
            RetryDelayWithoutValue = TimeSpan.FromSeconds(5),
        }, timeProvider);
    }

    /// <summary>The running (or last) load, if any (tests await it).</summary>
    internal Task BackgroundRefresh => _keys.LatestLoad;

    /// <summary>True when keys are held and the vault answered at the last attempt.</summary>
    public bool IsHealthy => _keys.HasValue && !_keys.LastLoadFailed;

    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public ValueTask<TKeys> GetAsync(CancellationToken cancellationToken = default) => _keys.GetAsync(cancellationToken);

    /// <summary>The keys, reloaded first (rate-limited) when <paramref name="includes"/> says the cached ones lack a caller's key.</summary>
    /// <exception cref="DependencyUnavailableException">No keys were loaded yet and Key Vault cannot give them.</exception>
    public async ValueTask<TKeys> GetIncludingAsync(Func<TKeys, bool> includes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(includes);
        var keys = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (includes(keys))
        {
            return keys;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            if (_lastUnknownKeyReload is { } last && _timeProvider.GetElapsedTime(last, now) < UnknownKeyReloadSpacing)
            {
                return keys;
            }

            _lastUnknownKeyReload = now;
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

    /// <summary>Reads the versions from Key Vault now (joining a load already running) and caches them.</summary>
    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached, refuses access, or holds no usable secret.</exception>
    public Task<TKeys> ReloadAsync(CancellationToken cancellationToken = default) => _keys.ReloadAsync(cancellationToken);

    /// <summary>Stops the reload timer.</summary>
    public void Dispose() => _keys.Dispose();

    private async Task<TKeys> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var newestFirst = await EnabledSecretVersions.NewestFirstAsync(_client, _secretName, cancellationToken).ConfigureAwait(false);
            if (newestFirst.Count == 0)
            {
                throw new InvalidDataException($"The secret '{_secretName}' has no enabled version.");
            }

            var current = await ReadVersionAsync(newestFirst[0], cancellationToken).ConfigureAwait(false);
            SecretVersion? previous = newestFirst.Count > 1 ? await ReadVersionAsync(newestFirst[1], cancellationToken).ConfigureAwait(false) : null;
            var keys = _read(current, previous);
            KeyVaultKeyLog.Loaded(_logger, _purpose, current.Version, previous?.Version ?? "none");
            _loadCompleted?.Invoke(true);
            return keys;
        }
        catch (Exception exception) when (KeyVaultFailures.IsOutage(exception))
        {
            KeyVaultKeyLog.LoadFailed(_logger, _purpose, exception);

            // A load given up because this provider is being disposed is no failure of the vault.
            if (!cancellationToken.IsCancellationRequested)
            {
                _loadCompleted?.Invoke(false);
            }

            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    private async Task<SecretVersion> ReadVersionAsync(SecretProperties version, CancellationToken cancellationToken)
    {
        KeyVaultSecret secret = await _client.GetSecretAsync(_secretName, version.Version, cancellationToken).ConfigureAwait(false);
        return new SecretVersion(secret.Properties.Version, secret.Value);
    }
}

/// <summary>The log lines of <see cref="KeyVaultKeyVersions{TKeys}"/>: version names, never a value.</summary>
internal static partial class KeyVaultKeyLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded {Purpose} versions: current {CurrentVersion}, previous {PreviousVersion}")]
    public static partial void Loaded(ILogger logger, string purpose, string currentVersion, string previousVersion);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Loading the {Purpose} from Key Vault failed; cached versions, if any, stay in use")]
    public static partial void LoadFailed(ILogger logger, string purpose, Exception exception);
}
