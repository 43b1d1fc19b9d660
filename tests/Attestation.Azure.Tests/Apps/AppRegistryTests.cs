using Attestation.Azure.Tables;
using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Debug;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.Apps;

/// <summary>The cached registry over a real table: seeding from configuration, the refresh interval, invalid rows.</summary>
public class AppRegistryTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AConfiguredAppIsSeededIntoTheTableAndServed()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        using var registry = Registry(store, DebugApp("com.contoso.seeded", "reject"));

        var policy = await registry.FindAsync("com.contoso.seeded");

        Assert.NotNull(policy);
        Assert.NotNull(await store.FindAsync("com.contoso.seeded"));
    }

    [Fact]
    public async Task AnAppAlreadyInTheTableIsNotOverwrittenByConfiguration()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(DebugApp("com.contoso.kept", "decoy"));
        using var registry = Registry(store, DebugApp("com.contoso.kept", "reject"));

        var policy = await registry.FindAsync("com.contoso.kept");

        Assert.Equal(FailureMode.Decoy, policy!.FailureMode);
        Assert.Equal("decoy", (await store.FindAsync("com.contoso.kept"))!.Configuration.FailureMode);
    }

    [Fact]
    public async Task AChangeByAnotherInstanceIsServedAfterTheRefreshIntervalAndNotBefore()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        using var registry = Registry(store);
        Assert.Null(await registry.FindAsync("com.contoso.later"));

        await store.TryAddAsync(DebugApp("com.contoso.later", "reject"));
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        var before = await registry.FindAsync("com.contoso.later");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var after = await registry.FindAsync("com.contoso.later");

        Assert.Null(before);
        Assert.NotNull(after);
    }

    [Fact]
    public async Task AChangeByThisInstanceIsServedAtOnceAfterInvalidate()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        using var registry = Registry(store);
        Assert.Null(await registry.FindAsync("com.contoso.now"));

        await store.TryAddAsync(DebugApp("com.contoso.now", "reject"));
        registry.Invalidate();

        Assert.NotNull(await registry.FindAsync("com.contoso.now"));
    }

    [Fact]
    public async Task AStoredAppThatNoLongerValidatesIsNotServedAndTheOthersAre()
    {
        var store = new TableAppStore(await AzuriteTables.CreateAsync());
        var invalid = DebugApp("com.contoso.invalid", "reject");
        invalid.DebugTokenSha256.Clear();
        await store.TryAddAsync(invalid);
        await store.TryAddAsync(DebugApp("com.contoso.valid", "reject"));
        using var registry = Registry(store);

        Assert.Null(await registry.FindAsync("com.contoso.invalid"));
        Assert.NotNull(await registry.FindAsync("com.contoso.valid"));
    }

    [Fact]
    public async Task WhenStorageFailsTheAppsLoadedBeforeAreStillServed()
    {
        var store = new FailingStore(new TableAppStore(await AzuriteTables.CreateAsync()));
        using var registry = Registry(store, DebugApp("com.contoso.kept", "reject"));
        Assert.NotNull(await registry.FindAsync("com.contoso.kept"));

        store.Down = true;
        _clock.Advance(Interval * 2);

        Assert.NotNull(await registry.FindAsync("com.contoso.kept"));
    }

    [Fact]
    public async Task WhenStorageFailsBeforeTheFirstLoadTheLookupIsADependencyOutage()
    {
        var store = new FailingStore(new TableAppStore(await AzuriteTables.CreateAsync())) { Down = true };
        using var registry = Registry(store, DebugApp("com.contoso.kept", "reject"));

        await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await registry.FindAsync("com.contoso.kept"));
    }

    private AppRegistry Registry(IAppStore store, params AppPolicyConfiguration[] configured)
    {
        var options = new AppPolicyOptions();
        foreach (var app in configured)
        {
            options.Apps.Add(app);
        }

        return new AppRegistry(
            store,
            new AppPolicyReader(new PlatformCatalog([DebugPlatformRegistration.Create(production: false)])),
            Options.Create(options),
            Options.Create(new AppRegistryOptions { RefreshInterval = Interval }),
            _clock,
            NullLogger<AppRegistry>.Instance);
    }

    private static AppPolicyConfiguration DebugApp(string appId, string failureMode)
    {
        var app = new AppPolicyConfiguration { AppId = appId, FailureMode = failureMode };
        app.Platforms.Add("debug");
        app.DebugTokenSha256.Add("e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009");
        return app;
    }

    /// <summary>The real table store, which can be switched to answer as an unreachable account does.</summary>
    private sealed class FailingStore(IAppStore inner) : IAppStore
    {
        public bool Down { get; set; }

        public Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken = default) => Down ? Fail<IReadOnlyList<AppRecord>>() : inner.ListAsync(cancellationToken);

        public Task<AppRecord?> FindAsync(string appId, CancellationToken cancellationToken = default) => Down ? Fail<AppRecord?>() : inner.FindAsync(appId, cancellationToken);

        public Task<bool> TryAddAsync(AppPolicyConfiguration app, CancellationToken cancellationToken = default) => Down ? Fail<bool>() : inner.TryAddAsync(app, cancellationToken);

        public Task<bool> TryUpdateAsync(AppRecord app, CancellationToken cancellationToken = default) => Down ? Fail<bool>() : inner.TryUpdateAsync(app, cancellationToken);

        private static Task<T> Fail<T>() => Task.FromException<T>(new DependencyUnavailableException("Table Storage", new IOException("down")));
    }
}
