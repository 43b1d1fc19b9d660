using Attestation.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Google's status list, fetched by an <see cref="IAndroidStatusListFetcher"/> (over HTTP from
/// <see cref="AndroidKeyAttestationOptions.StatusListUri"/>, or read from <see cref="AndroidKeyAttestationOptions.StatusListFile"/>)
/// and cached for <see cref="AndroidKeyAttestationOptions.StatusListRefreshInterval"/>.
/// </summary>
/// <remarks>
/// When a refresh fails the verifier fails open, but only with the last good copy and only while it is younger than
/// <see cref="AndroidKeyAttestationOptions.StatusListMaxAge"/>: Google changes the list rarely, and an outage of its
/// endpoint should not stop every Android device from attesting. Without any good copy, or with one too old, it fails
/// closed: <see cref="DependencyUnavailableException"/>, which the HTTP layer answers with 503 <c>unavailable</c>, so a
/// revoked key is never accepted merely because the list could not be read. After a failure the next attempt waits
/// <see cref="AndroidKeyAttestationOptions.StatusListRetryDelay"/>, so an outage does not turn every request into a fetch.
/// </remarks>
public sealed partial class CachedAndroidAttestationStatusSource : IAndroidAttestationStatusSource, IDisposable
{
    private readonly IAndroidStatusListFetcher _fetcher;
    private readonly AndroidKeyAttestationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CachedAndroidAttestationStatusSource> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _current;
    private long _retryAfterUtcTicks;

    public CachedAndroidAttestationStatusSource(IAndroidStatusListFetcher fetcher, IOptions<AndroidKeyAttestationOptions> options, TimeProvider timeProvider, ILogger<CachedAndroidAttestationStatusSource> logger)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _fetcher = fetcher;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<AndroidAttestationStatusList> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var snapshot = Volatile.Read(ref _current);
        if (snapshot is not null && now - snapshot.FetchedAt < _options.StatusListRefreshInterval)
        {
            return snapshot.List;
        }

        if (now.UtcTicks < Volatile.Read(ref _retryAfterUtcTicks))
        {
            return Usable(snapshot, now)?.List ?? throw new DependencyUnavailableException("The Android attestation status list is unavailable.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another request may have refreshed the list while this one waited.
            snapshot = _current;
            now = _timeProvider.GetUtcNow();
            if (snapshot is not null && now - snapshot.FetchedAt < _options.StatusListRefreshInterval)
            {
                return snapshot.List;
            }

            try
            {
                var list = AndroidAttestationStatusList.Parse(await _fetcher.FetchAsync(cancellationToken).ConfigureAwait(false));
                Volatile.Write(ref _current, new Snapshot(list, now));
                LogRefreshed(list.Count);
                return list;
            }
            catch (Exception e) when (e is DependencyUnavailableException or FormatException
                                        || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Volatile.Write(ref _retryAfterUtcTicks, (now + _options.StatusListRetryDelay).UtcTicks);
                var usable = Usable(snapshot, now);

                // The fetcher wraps its transport failure; the log names that failure, as it did when the fetch was here.
                var cause = e is DependencyUnavailableException { InnerException: { } inner } ? inner : e;
                LogRefreshFailed(cause.GetType().Name, usable is not null);
                return usable?.List ?? throw new DependencyUnavailableException("Android attestation status list", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private Snapshot? Usable(Snapshot? snapshot, DateTimeOffset now) =>
        snapshot is not null && now - snapshot.FetchedAt <= _options.StatusListMaxAge ? snapshot : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Android attestation status list refreshed: {Count} listed certificates.")]
    private partial void LogRefreshed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Android attestation status list refresh failed ({Error}); last good copy used: {UsingLastGood}.")]
    private partial void LogRefreshFailed(string error, bool usingLastGood);

    private sealed record Snapshot(AndroidAttestationStatusList List, DateTimeOffset FetchedAt);
}
