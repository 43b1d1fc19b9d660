using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Revocation;

/// <summary>
/// The revoked devices, in memory on each instance, so that <c>verify</c> answers <c>device_revoked</c> without a storage
/// call. A timer reads what changed in the <see cref="IRevocationLog"/> every <see cref="RevocationOptions.RefreshInterval"/>;
/// a change made by this instance is applied at once (<see cref="Apply"/>). During a storage outage the last view keeps
/// answering, however old; before the first successful read there is no view, and callers get
/// <see cref="DependencyUnavailableException"/> (503 <c>unavailable</c>): without it, a revoked device would pass.
/// </summary>
public sealed partial class RevocationView : IDisposable
{
    private readonly IRevocationLog _log;
    private readonly ILogger<RevocationView> _logger;
    private readonly RefreshingValue<RevocationSnapshot> _snapshot;

    public RevocationView(IRevocationLog log, IOptions<RevocationOptions> options, TimeProvider timeProvider, ILogger<RevocationView> logger)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _log = log;
        _logger = logger;
        var interval = options.Value.RefreshInterval;
        _snapshot = new RefreshingValue<RevocationSnapshot>(LoadAsync, new RefreshingValueOptions
        {
            RefreshInterval = interval,

            // The timer reads the changes; verify never waits for a read once a view exists.
            ReloadOnTimer = true,

            // A failed read keeps the view and is tried again after one interval. Without a view every verify of a valid
            // token answers 503, so the first read is tried again sooner, but not once per request.
            RetryDelay = interval,
            RetryDelayWithoutValue = TimeSpan.FromSeconds(1),
        }, timeProvider);
    }

    /// <summary>The read running now, or the last one (tests await it after moving the clock).</summary>
    public Task LatestRefresh => _snapshot.LatestLoad;

    /// <summary>Whether the device is revoked, as this instance's view holds it.</summary>
    /// <exception cref="DependencyUnavailableException">No read of the log has succeeded yet, and this one failed.</exception>
    public ValueTask<bool> IsRevokedAsync(string appId, string deviceId, CancellationToken cancellationToken = default)
    {
        var pending = _snapshot.GetAsync(cancellationToken);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(pending.Result.IsRevoked(appId, deviceId))
            : AwaitAsync(pending, appId, deviceId);

        static async ValueTask<bool> AwaitAsync(ValueTask<RevocationSnapshot> pending, string appId, string deviceId) =>
            (await pending.ConfigureAwait(false)).IsRevoked(appId, deviceId);
    }

    /// <summary>
    /// Applies an entry this instance wrote to the log, so that this instance answers by it at once rather than at its next
    /// read. An entry the view already holds a newer one of changes nothing.
    /// </summary>
    public void Apply(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _snapshot.Update(snapshot => snapshot.With([entry], snapshot.Cursor));
    }

    /// <summary>Reads the changes now (joining a read already running), as the timer does.</summary>
    /// <exception cref="DependencyUnavailableException">The log cannot be reached.</exception>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => _snapshot.ReloadAsync(cancellationToken);

    /// <summary>Stops the timer.</summary>
    public void Dispose() => _snapshot.Dispose();

    private async Task<RevocationSnapshot> LoadAsync(RevocationSnapshot? held, CancellationToken cancellationToken)
    {
        try
        {
            var changes = await _log.ReadChangesAsync(held?.Cursor, cancellationToken).ConfigureAwait(false);
            return (held ?? RevocationSnapshot.Empty).With(changes.Entries, changes.Cursor);
        }
        catch (DependencyUnavailableException outage)
        {
            LogReadFailed(outage.Dependency, held is not null);
            throw;
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Revocation view: reading the log failed ({Dependency} unavailable); serving the last view: {HasView}")]
    private partial void LogReadFailed(string dependency, bool hasView);
}
