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
/// <item>Versions are cached in memory and reloaded in the background once the refresh interval has passed: by a timer, so
/// a new version signs within the interval (plus one Key Vault read) even on an instance that gets no request, and, should
/// the timer be late (a frozen instance), by the next caller. Callers keep the cached keys meanwhile, so the token hot path
/// never waits on Key Vault after the first load.</item>
/// <item>Loads are shared: concurrent callers wait for one read of the vault. A failed first load is remembered for a few
/// seconds, so an outage answers 503 at once instead of queueing every request behind another failing read.</item>
/// <item>A failed reload keeps the keys it had and tries again later.</item>
/// <item>A token whose kid is unknown triggers a reload (at most one every few seconds, since kids come from callers):
/// another instance may already sign with a version this one has not seen.</item>
/// </list>
/// </summary>
public sealed partial class KeyVaultSigningKeyProvider : ISigningKeyProvider, IDisposable
{
    private const string DependencyName = "Key Vault";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RememberFailure = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan UnknownKidReloadSpacing = TimeSpan.FromSeconds(5);

    private readonly SecretClient _client;
    private readonly string _secretName;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultSigningKeyProvider> _logger;
    private readonly Lock _gate = new();
    private readonly ITimer _reloadTimer;
    private Task<SigningKeySet>? _loading;
    private volatile Snapshot? _snapshot;
    private DependencyUnavailableException? _lastFailure;
    private DateTimeOffset _failureRememberedUntil;
    private DateTimeOffset _lastUnknownKidReload = DateTimeOffset.MinValue;

    public KeyVaultSigningKeyProvider(SecretClient client, string secretName, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultSigningKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _secretName = secretName;
        _refreshInterval = refreshInterval;
        _timeProvider = timeProvider;
        _logger = logger;
        _reloadTimer = timeProvider.CreateTimer(static state => ((KeyVaultSigningKeyProvider)state!).StartBackgroundReload(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Client options for this backend (<see cref="AzureClientRetry"/>).</summary>
    public static SecretClientOptions CreateClientOptions()
    {
        var options = new SecretClientOptions();
        AzureClientRetry.ApplyFastFailure(options.Retry);
        return options;
    }

    /// <summary>The running (or last) load, if any (tests await it).</summary>
    internal Task BackgroundRefresh { get; private set; } = Task.CompletedTask;

    public async ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return await LoadSharedAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_timeProvider.GetUtcNow() >= snapshot.NextRefreshAt)
        {
            StartBackgroundReload();
        }

        return snapshot.Keys;
    }

    public async ValueTask<SigningKeySet> GetKeysIncludingAsync(string kid, CancellationToken cancellationToken = default)
    {
        var keys = await GetKeysAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Find(kid) is not null)
        {
            return keys;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _lastUnknownKidReload < UnknownKidReloadSpacing)
            {
                return keys;
            }

            _lastUnknownKidReload = now;
        }

        try
        {
            return await LoadSharedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            return keys;
        }
    }

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_snapshot is not null && _lastFailure is null);
        }
    }

    /// <summary>Stops the reload timer.</summary>
    public void Dispose() => _reloadTimer.Dispose();

    /// <summary>Reads the versions from Key Vault now (joining a load already running) and caches them.</summary>
    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached, refuses access, or holds no usable secret.</exception>
    public Task<SigningKeySet> RefreshAsync(CancellationToken cancellationToken = default) => LoadSharedAsync(cancellationToken);

    private Task<SigningKeySet> LoadSharedAsync(CancellationToken cancellationToken)
    {
        Task<SigningKeySet> loading;
        lock (_gate)
        {
            if (_snapshot is null && _lastFailure is { } failure && _timeProvider.GetUtcNow() < _failureRememberedUntil)
            {
                return Task.FromException<SigningKeySet>(failure);
            }

            // The load itself is not cancelled by one caller's token: other callers may be waiting for it. It runs on the
            // thread pool so that none of it runs inline under this lock.
            loading = _loading ??= Task.Run(LoadAndStoreAsync);
            BackgroundRefresh = loading;
        }

        return loading.WaitAsync(cancellationToken);
    }

    private void StartBackgroundReload()
    {
        lock (_gate)
        {
            if (_loading is not null)
            {
                return;
            }
        }

        // Observed here, so a failed background reload never surfaces as an unobserved task exception.
        _ = LoadSharedAsync(CancellationToken.None).ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task<SigningKeySet> LoadAndStoreAsync()
    {
        try
        {
            var keys = await LoadAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _snapshot = new Snapshot(keys, _timeProvider.GetUtcNow() + _refreshInterval);
                _lastFailure = null;
            }

            ScheduleReload(_refreshInterval);

            LogLoaded(keys.Current.Version, keys.Previous?.Version ?? "none");
            return keys;
        }
        catch (DependencyUnavailableException failure)
        {
            LogLoadFailed(failure.InnerException ?? failure);
            bool retry;
            lock (_gate)
            {
                var now = _timeProvider.GetUtcNow();
                _lastFailure = failure;
                _failureRememberedUntil = now + RememberFailure;
                retry = _snapshot is not null;
                if (_snapshot is { } kept)
                {
                    _snapshot = kept with { NextRefreshAt = now + RetryAfterFailure };
                }
            }

            // Without any keys yet, the next request tries again (after RememberFailure); with keys, the timer does.
            if (retry)
            {
                ScheduleReload(RetryAfterFailure);
            }

            throw;
        }
        finally
        {
            lock (_gate)
            {
                _loading = null;
            }
        }
    }

    private void ScheduleReload(TimeSpan dueIn)
    {
        try
        {
            _reloadTimer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a load was running: the host is stopping, nothing to schedule.
        }
    }

    private async Task<SigningKeySet> LoadAsync()
    {
        try
        {
            // The newest enabled version signs; the enabled one created just before it still verifies.
            var enabled = new List<SecretProperties>();
            await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync(_secretName).ConfigureAwait(false))
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

            var current = await ReadKeyAsync(newestFirst[0]).ConfigureAwait(false);
            var previous = newestFirst.Count > 1 ? await ReadKeyAsync(newestFirst[1]).ConfigureAwait(false) : null;
            return new SigningKeySet(current, previous);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or AuthenticationFailedException
            or CredentialUnavailableException or HttpRequestException or InvalidDataException or OperationCanceledException)
        {
            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    private async Task<SigningKey> ReadKeyAsync(SecretProperties version)
    {
        KeyVaultSecret secret = await _client.GetSecretAsync(_secretName, version.Version).ConfigureAwait(false);
        return SigningKey.FromBase64(secret.Properties.Version, secret.Value)
            ?? throw new InvalidDataException($"Version {secret.Properties.Version} of the signing secret is not base64 of at least {SigningKey.MinimumLength} bytes.");
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded token signing key versions: current {CurrentVersion}, previous {PreviousVersion}")]
    private partial void LogLoaded(string currentVersion, string previousVersion);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Loading the token signing key from Key Vault failed; cached versions, if any, stay in use")]
    private partial void LogLoadFailed(Exception exception);

    private sealed record Snapshot(SigningKeySet Keys, DateTimeOffset NextRefreshAt);
}
