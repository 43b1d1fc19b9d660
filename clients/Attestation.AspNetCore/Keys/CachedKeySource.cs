using Microsoft.Extensions.Logging;

namespace Attestation.AspNetCore.Keys;

/// <summary>
/// Keys read from an outside source (Key Vault, a JWKS) and cached. One shape for both sources:
/// <list type="bullet">
/// <item>read on first use, then again once <see cref="AttestationTokenOptions.KeyRefreshInterval"/> has passed, by the
/// next request; concurrent requests share one read;</item>
/// <item>a token whose <c>kid</c> the keys lack causes a read too, at most once per
/// <see cref="AttestationTokenOptions.UnknownKeyRefreshSpacing"/> (callers choose the <c>kid</c>);</item>
/// <item>a failed read keeps the last keys, retried at most every few seconds, until they are
/// <see cref="AttestationTokenOptions.KeyMaxStaleness"/> old; then every token is refused (503) and the log says so.</item>
/// </list>
/// </summary>
internal sealed class CachedKeySource : IAttestationKeySource
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly string _sourceName;
    private readonly Func<CancellationToken, Task<AttestationKeySet>> _load;
    private readonly AttestationTokenOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private AttestationKeySet? _keys;
    private long _loadedAt;
    private long? _failedAt;
    private long? _unknownKeyReloadAt;
    private Task<AttestationKeySet>? _running;

    public CachedKeySource(string sourceName, Func<CancellationToken, Task<AttestationKeySet>> load, AttestationTokenOptions options,
        TimeProvider timeProvider, ILogger logger)
    {
        _sourceName = sourceName;
        _load = load;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<AttestationKeySet> GetAsync(CancellationToken cancellationToken = default)
    {
        AttestationKeySet? keys;
        lock (_gate)
        {
            keys = _keys;
            if (keys is not null && _timeProvider.GetElapsedTime(_loadedAt) < _options.KeyRefreshInterval)
            {
                return keys;
            }

            if (_failedAt is { } failed && _timeProvider.GetElapsedTime(failed) < RetryDelay)
            {
                return Usable(keys);
            }
        }

        return await ReloadOrKeepAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AttestationKeySet> GetIncludingAsync(string kid, CancellationToken cancellationToken = default)
    {
        var keys = await GetAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Find(kid) is not null)
        {
            return keys;
        }

        lock (_gate)
        {
            var now = _timeProvider.GetTimestamp();
            if (_unknownKeyReloadAt is { } last && _timeProvider.GetElapsedTime(last, now) < _options.UnknownKeyRefreshSpacing)
            {
                return keys;
            }

            _unknownKeyReloadAt = now;
        }

        return await ReloadOrKeepAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AttestationKeySet> ReloadOrKeepAsync(AttestationKeySet? keys, CancellationToken cancellationToken)
    {
        Task<AttestationKeySet> running;
        lock (_gate)
        {
            running = _running ??= LoadAsync();
        }

        try
        {
            return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationKeysUnavailableException)
        {
            lock (_gate)
            {
                return Usable(keys);
            }
        }
    }

    /// <summary>The cached keys while they are young enough, else the refusal. Called under the gate.</summary>
    private AttestationKeySet Usable(AttestationKeySet? keys)
    {
        if (keys is null)
        {
            throw new AttestationKeysUnavailableException($"No keys could be read from the {_sourceName} yet.");
        }

        var age = _timeProvider.GetElapsedTime(_loadedAt);
        if (age >= _options.KeyMaxStaleness)
        {
            KeySourceLog.TooStale(_logger, _sourceName, age, _options.KeyMaxStaleness);
            throw new AttestationKeysUnavailableException($"The keys last read from the {_sourceName} are older than {_options.KeyMaxStaleness}.");
        }

        return keys;
    }

    private async Task<AttestationKeySet> LoadAsync()
    {
        // Yield first, so the caller that starts the load has stored it before it can finish and clear itself.
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(_options.BackchannelTimeout, _timeProvider);
            var keys = await _load(timeout.Token).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                throw new InvalidDataException($"The {_sourceName} holds no usable {keys.Algorithm} key.");
            }

            lock (_gate)
            {
                _keys = keys;
                _loadedAt = _timeProvider.GetTimestamp();
                _failedAt = null;
            }

            // Once per read, so the join costs nothing worth skipping.
            var keyIds = string.Join(", ", keys.KeyIds);
            KeySourceLog.Loaded(_logger, _sourceName, keys.Algorithm, keyIds);
            return keys;
        }
        catch (Exception exception) when (exception is not AttestationKeysUnavailableException)
        {
            lock (_gate)
            {
                _failedAt = _timeProvider.GetTimestamp();
            }

            KeySourceLog.LoadFailed(_logger, _sourceName, exception);
            throw new AttestationKeysUnavailableException($"The keys could not be read from the {_sourceName}.", exception);
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }
}

/// <summary>The log lines of the key sources: key ids, never a key.</summary>
internal static partial class KeySourceLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Read the attestation token keys from the {Source}: {Algorithm}, key ids {KeyIds}")]
    public static partial void Loaded(ILogger logger, string source, string algorithm, string keyIds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Reading the attestation token keys from the {Source} failed; the last keys read, if any, stay in use for a bounded time")]
    public static partial void LoadFailed(ILogger logger, string source, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "The attestation token keys last read from the {Source} are {Age} old, past KeyMaxStaleness {MaxStaleness}: every token is refused (503) until the {Source} answers")]
    public static partial void TooStale(ILogger logger, string source, TimeSpan age, TimeSpan maxStaleness);
}
