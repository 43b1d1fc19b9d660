using Attestation.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Apps;

/// <summary>
/// The app policies of the registry (<see cref="IAppRegistryStore"/>), kept in memory and reloaded when older than
/// <see cref="AppRegistryOptions.RefreshInterval"/>, so a lookup on the hot path costs no storage call.
/// </summary>
/// <remarks>
/// Configuration seeds the registry: an app in <c>Attestation:Apps</c> that the table lacks is written to it, and from then
/// on the table wins (an admin change to a seeded app is kept across restarts and redeployments; to take a configuration
/// change, update the app through the admin API). So the demo apps and tests need no admin step. A stored app that no
/// longer passes validation (a verifier grew stricter) is left out and logged, never served half-checked.
/// </remarks>
public sealed partial class AppRegistry(
    IAppRegistryStore store,
    AppPolicyReader reader,
    IOptions<AppPolicyOptions> configured,
    IOptions<AppRegistryOptions> options,
    TimeProvider timeProvider,
    ILogger<AppRegistry> logger) : IAppPolicyProvider, IDisposable
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Snapshot? _snapshot;

    public async ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default)
    {
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Policies.GetValueOrDefault(appId);
    }

    /// <summary>Writes the configured apps the store lacks (see the remarks), then loads the registry.</summary>
    /// <exception cref="DependencyUnavailableException">The store cannot be reached.</exception>
    public async Task EnsureSeededAsync(CancellationToken cancellationToken = default) =>
        await CurrentAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Makes the next lookup reload (called after this instance changed an app).</summary>
    public void Invalidate()
    {
        if (Volatile.Read(ref _snapshot) is { } current)
        {
            Volatile.Write(ref _snapshot, current with { Stale = true });
        }
    }

    public void Dispose() => _reload.Dispose();

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot is not null && !IsStale(snapshot) ? snapshot : await ReloadAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool IsStale(Snapshot snapshot) =>
        snapshot.Stale || timeProvider.GetElapsedTime(snapshot.LoadedAt) >= options.Value.RefreshInterval;

    private async Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have reloaded while this one waited.
            var current = Volatile.Read(ref _snapshot);
            if (current is not null && !IsStale(current))
            {
                return current;
            }

            try
            {
                var records = await LoadSeededAsync(cancellationToken).ConfigureAwait(false);
                var loaded = new Snapshot(Validate(records), timeProvider.GetTimestamp(), Stale: false);
                Volatile.Write(ref _snapshot, loaded);
                return loaded;
            }
            catch (DependencyUnavailableException outage) when (current is not null)
            {
                // Serve what was known rather than fail every lookup; try again after one interval.
                LogReloadFailed(outage.Dependency);
                var kept = current with { LoadedAt = timeProvider.GetTimestamp(), Stale = false };
                Volatile.Write(ref _snapshot, kept);
                return kept;
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<IReadOnlyList<AppRecord>> LoadSeededAsync(CancellationToken cancellationToken)
    {
        var records = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var stored = records.Select(r => r.AppId).ToHashSet(StringComparer.Ordinal);
        var missing = configured.Value.Apps.Where(app => app.AppId is not null && !stored.Contains(app.AppId)).ToList();
        if (missing.Count == 0)
        {
            return records;
        }

        foreach (var app in missing)
        {
            // Insert-if-absent: of several instances seeding at once, one writes and the others leave it alone.
            if (await store.TryAddAsync(app, cancellationToken).ConfigureAwait(false))
            {
                LogSeeded(app.AppId!);
            }
        }

        return await store.ListAsync(cancellationToken).ConfigureAwait(false);
    }

    private Dictionary<string, AppPolicy> Validate(IReadOnlyList<AppRecord> records)
    {
        var policies = new Dictionary<string, AppPolicy>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (AppPolicyValidation.Read(reader, record.Configuration, out var errors) is { } policy)
            {
                policies[policy.AppId] = policy;
            }
            else
            {
                LogInvalidStoredApp(record.AppId, string.Join(" ", errors));
            }
        }

        return policies;
    }

    private sealed record Snapshot(Dictionary<string, AppPolicy> Policies, long LoadedAt, bool Stale);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "App registry: seeded app {AppId} from configuration")]
    private partial void LogSeeded(string appId);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "App registry: stored app {AppId} is invalid and is not served: {Problems}")]
    private partial void LogInvalidStoredApp(string appId, string problems);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "App registry: reload failed ({Dependency} unavailable); serving the apps loaded before")]
    private partial void LogReloadFailed(string dependency);
}
