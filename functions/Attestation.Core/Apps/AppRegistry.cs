using System.Collections.Frozen;
using Attestation.Core.Caching;
using Attestation.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Apps;

/// <summary>
/// The app policies of the registry (<see cref="IAppStore"/>), kept in memory and reloaded when older than
/// <see cref="AppRegistryOptions.RefreshInterval"/>, so a lookup on the hot path costs no storage call.
/// </summary>
/// <remarks>
/// Configuration seeds the registry: an app in <c>Attestation:Apps</c> that the table lacks is written to it, and from then
/// on the table wins (an admin change to a seeded app is kept across restarts and redeployments; to take a configuration
/// change, update the app through the admin API). So the demo apps and tests need no admin step. A stored app that no
/// longer passes validation (a verifier grew stricter) is left out and logged, never served half-checked.
/// </remarks>
public sealed partial class AppRegistry : IAppPolicyProvider, IDisposable
{
    private readonly IAppStore _store;
    private readonly AppPolicyReader _reader;
    private readonly IOptions<AppPolicyOptions> _configured;
    private readonly ILogger<AppRegistry> _logger;
    private readonly RefreshingValue<FrozenDictionary<string, AppPolicy>> _policies;

    public AppRegistry(
        IAppStore store,
        AppPolicyReader reader,
        IOptions<AppPolicyOptions> configured,
        IOptions<AppRegistryOptions> options,
        TimeProvider timeProvider,
        ILogger<AppRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _reader = reader;
        _configured = configured;
        _logger = logger;
        _policies = new RefreshingValue<FrozenDictionary<string, AppPolicy>>(LoadAsync, new RefreshingValueOptions
        {
            RefreshInterval = options.Value.RefreshInterval,

            // "A change is served within the interval on other instances": the lookup after it waits for the reload.
            WaitForReload = true,

            // During an outage the apps loaded before keep serving, and the table is tried again after one interval.
            // With none loaded yet there is nothing to serve, so each lookup tries the table (shared by concurrent ones).
            RetryDelay = options.Value.RefreshInterval,
            RetryDelayWithoutValue = TimeSpan.Zero,
        }, timeProvider);
    }

    /// <exception cref="DependencyUnavailableException">The store cannot be reached and no apps were loaded before.</exception>
    public async ValueTask<AppPolicy?> FindAsync(string appId, CancellationToken cancellationToken = default)
    {
        var policies = await _policies.GetAsync(cancellationToken).ConfigureAwait(false);
        return policies.GetValueOrDefault(appId);
    }

    /// <summary>Writes the configured apps the store lacks (see the remarks), then loads the registry.</summary>
    /// <exception cref="DependencyUnavailableException">The store cannot be reached.</exception>
    public async Task EnsureSeededAsync(CancellationToken cancellationToken = default) =>
        await _policies.GetAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Makes the next lookup reload (called after this instance changed an app).</summary>
    public void Invalidate() => _policies.Invalidate();

    public void Dispose() => _policies.Dispose();

    private async Task<FrozenDictionary<string, AppPolicy>> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Validate(await LoadSeededAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (DependencyUnavailableException outage) when (_policies.HasValue)
        {
            LogReloadFailed(outage.Dependency);
            throw;
        }
    }

    private async Task<IReadOnlyList<AppRecord>> LoadSeededAsync(CancellationToken cancellationToken)
    {
        var records = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        var stored = records.Select(r => r.AppId).ToHashSet(StringComparer.Ordinal);
        var missing = _configured.Value.Apps.Where(app => app.AppId is not null && !stored.Contains(app.AppId)).ToList();
        if (missing.Count == 0)
        {
            return records;
        }

        foreach (var app in missing)
        {
            // Insert-if-absent: of several instances seeding at once, one writes and the others leave it alone.
            if (await _store.TryAddAsync(app, cancellationToken).ConfigureAwait(false))
            {
                LogSeeded(app.AppId!);
            }
        }

        return await _store.ListAsync(cancellationToken).ConfigureAwait(false);
    }

    private FrozenDictionary<string, AppPolicy> Validate(IReadOnlyList<AppRecord> records)
    {
        var policies = new Dictionary<string, AppPolicy>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (AppPolicyValidation.Read(_reader, record.Configuration, out var errors) is { } policy)
            {
                policies[policy.AppId] = policy;
            }
            else
            {
                LogInvalidStoredApp(record.AppId, string.Join(" ", errors));
            }
        }

        return policies.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "App registry: seeded app {AppId} from configuration")]
    private partial void LogSeeded(string appId);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "App registry: stored app {AppId} is invalid and is not served: {Problems}")]
    private partial void LogInvalidStoredApp(string appId, string problems);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "App registry: reload failed ({Dependency} unavailable); serving the apps loaded before")]
    private partial void LogReloadFailed(string dependency);
}
