using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Google's status list, fetched by an <see cref="IAndroidStatusListFetcher"/> (over HTTP from
/// <see cref="AndroidKeyAttestationOptions.StatusListUri"/>, or read from <see cref="AndroidKeyAttestationOptions.StatusListFile"/>)
/// and cached for <see cref="AndroidKeyAttestationOptions.StatusListRefreshInterval"/> by a <see cref="RefreshingValue{T}"/>.
/// </summary>
/// <remarks>
/// When a refresh fails the verifier fails open, but only with the last good copy and only while it is younger than
/// <see cref="AndroidKeyAttestationOptions.StatusListMaxAge"/>: Google changes the list rarely, and an outage of its
/// endpoint should not stop every Android device from attesting. Without any good copy, or with one too old, it fails
/// closed: <see cref="DependencyUnavailableException"/>, which the HTTP layer answers with 503 <c>unavailable</c>, so a
/// revoked key is never accepted merely because the list could not be read. After a failure the next attempt waits
/// <see cref="AndroidKeyAttestationOptions.StatusListRetryDelay"/>, so an outage does not turn every request into a fetch.
/// A caller past the refresh interval waits for the new copy (or the failure that leaves the last good one in place), so a
/// serial Google adds is honoured from the first attestation after the interval.
/// </remarks>
public sealed partial class CachedAndroidAttestationStatusSource : IAndroidAttestationStatusSource, IDisposable
{
    private readonly IAndroidStatusListFetcher _fetcher;
    private readonly ILogger<CachedAndroidAttestationStatusSource> _logger;
    private readonly RefreshingValue<AndroidAttestationStatusList> _list;

    public CachedAndroidAttestationStatusSource(IAndroidStatusListFetcher fetcher, IOptions<AndroidKeyAttestationOptions> options, TimeProvider timeProvider, ILogger<CachedAndroidAttestationStatusSource> logger)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _fetcher = fetcher;
        _logger = logger;
        var settings = options.Value;
        _list = new RefreshingValue<AndroidAttestationStatusList>(
            LoadAsync,
            new RefreshingValueOptions
            {
                RefreshInterval = settings.StatusListRefreshInterval,
                WaitForReload = true,
                MaxStaleAge = settings.StatusListMaxAge,
                RetryDelay = settings.StatusListRetryDelay,
            },
            timeProvider);
    }

    /// <exception cref="DependencyUnavailableException">No copy younger than the maximum age can be had.</exception>
    public async Task<AndroidAttestationStatusList> GetAsync(CancellationToken cancellationToken = default) =>
        await _list.GetAsync(cancellationToken).ConfigureAwait(false);

    public void Dispose() => _list.Dispose();

    private async Task<AndroidAttestationStatusList> LoadAsync(CancellationToken stopping)
    {
        try
        {
            var list = AndroidAttestationStatusList.Parse(await _fetcher.FetchAsync(stopping).ConfigureAwait(false));
            LogRefreshed(list.Count);
            return list;
        }
        catch (Exception e) when (e is DependencyUnavailableException or FormatException
                                    || (e is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            // The fetcher wraps its transport failure; the log names that failure, never the list's content.
            var cause = e is DependencyUnavailableException { InnerException: { } inner } ? inner : e;
            LogRefreshFailed(cause.GetType().Name, _list.HasValue);
            throw e as DependencyUnavailableException ?? new DependencyUnavailableException("Android attestation status list", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Android attestation status list refreshed: {Count} listed certificates.")]
    private partial void LogRefreshed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Android attestation status list refresh failed ({Error}); last good copy used: {UsingLastGood}.")]
    private partial void LogRefreshFailed(string error, bool usingLastGood);
}
