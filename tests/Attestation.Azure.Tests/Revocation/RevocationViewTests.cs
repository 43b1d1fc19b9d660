using Attestation.Azure.Tables;
using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Revocation;
using Attestation.Core.Telemetry;
using Attestation.TestSupport;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.Revocation;

/// <summary>
/// Each instance's view of the revocation log over real tables: two instances (their own clients, views and clocks) on
/// one set of tables, racing revokes and restores, and a log that stops answering.
/// </summary>
public class RevocationViewTests
{
    private const string App = "com.contoso.revocation";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RacingRevokesAndRestoresOfOneDeviceEndWithTheLogAndEveryViewAgreeingWithTheDeviceRow()
    {
        var prefix = SharedAzurite.NewTablePrefix();
        using var a = await Instance.StartAsync(prefix);
        using var b = await Instance.StartAsync(prefix);
        await new TableAppStore(a.Storage).TryAddAsync(DebugApp());
        var deviceId = await a.RegisterDeviceAsync();
        Assert.False(await a.View.IsRevokedAsync(App, deviceId));
        Assert.False(await b.View.IsRevokedAsync(App, deviceId));

        // Ten changes at once over two instances: each can lose its conditional write at most nine times, within the
        // ten attempts DeviceAdministration makes, so none gives up.
        var changes = Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => (i % 2 == 0 ? a : b).Administration.SetStatusAsync(App, deviceId, i % 4 < 2 ? DeviceStatus.Revoked : DeviceStatus.Active)));
        await Task.WhenAll(changes);

        var row = (await new TableDeviceStore(a.Storage).FindAsync(App, deviceId))!;
        var logged = await new TableRevocationLog(a.Storage).FindAsync(App, deviceId);
        await a.View.RefreshAsync();
        await b.View.RefreshAsync();
        var revoked = row.Status == DeviceStatus.Revoked;
        Assert.Equal(revoked, logged?.Revoked ?? false);
        Assert.Equal(revoked, await a.View.IsRevokedAsync(App, deviceId));
        Assert.Equal(revoked, await b.View.IsRevokedAsync(App, deviceId));
    }

    [Fact]
    public async Task AnotherInstanceSeesARevocationAtItsNextTimedReadAndNotBefore()
    {
        var prefix = SharedAzurite.NewTablePrefix();
        using var a = await Instance.StartAsync(prefix);
        using var b = await Instance.StartAsync(prefix);
        await new TableAppStore(a.Storage).TryAddAsync(DebugApp());
        var deviceId = await a.RegisterDeviceAsync();
        Assert.False(await b.View.IsRevokedAsync(App, deviceId));

        await a.Administration.SetStatusAsync(App, deviceId, DeviceStatus.Revoked);
        Assert.True(await a.View.IsRevokedAsync(App, deviceId));
        b.Clock.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(await b.View.IsRevokedAsync(App, deviceId));
        b.Clock.Advance(TimeSpan.FromTicks(1));
        await b.View.LatestRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await b.View.IsRevokedAsync(App, deviceId));
    }

    [Fact]
    public async Task WhenTheLogStopsAnsweringTheLastViewKeepsAnsweringRevokedAndNotRevoked()
    {
        var storage = await AzuriteTables.CreateAsync();
        var log = new SwitchableLog(new TableRevocationLog(storage));
        await log.RecordAsync(new RevocationEntry(App, "revoked", true, 1));
        var clock = new FakeTimeProvider();
        using var view = View(log, clock);
        Assert.True(await view.IsRevokedAsync(App, "revoked"));

        log.Down = true;
        clock.Advance(Interval * 3);
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => view.RefreshAsync());

        Assert.True(await view.IsRevokedAsync(App, "revoked"));
        Assert.False(await view.IsRevokedAsync(App, "active"));
    }

    [Fact]
    public async Task BeforeAnyReadSucceededTheViewIsADependencyOutageThenAnswersOnceTheLogDoes()
    {
        var log = new SwitchableLog(new TableRevocationLog(await AzuriteTables.CreateAsync())) { Down = true };
        var clock = new FakeTimeProvider();
        using var view = View(log, clock);

        await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await view.IsRevokedAsync(App, "device"));

        log.Down = false;
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await view.IsRevokedAsync(App, "device"));
    }

    [Fact]
    public async Task AViewWhoseTableCannotBeReachedAtAllIsADependencyOutage()
    {
        // Nothing listens on port 1: every call is refused, as with an account that is down.
        var unreachable = new TableStorage(new TableServiceClient(AzuriteProcess.ConnectionStringFor(1), TableStorage.CreateClientOptions()));
        using var view = View(new TableRevocationLog(unreachable), new FakeTimeProvider());

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(async () => await view.IsRevokedAsync(App, "device"));

        Assert.Equal("Table Storage", outage.Dependency);
    }

    private static RevocationView View(IRevocationLog log, TimeProvider clock) =>
        new(log, Options.Create(new RevocationOptions { RefreshInterval = Interval }), clock, NullLogger<RevocationView>.Instance);

    private static AppPolicyConfiguration DebugApp()
    {
        var app = new AppPolicyConfiguration { AppId = App, FailureMode = "reject" };
        app.Platforms.Add("debug");
        app.DebugTokenSha256.Add("e2fbfc533db9e315d52e7b74fb097270ea7c0623f16da29978b3d95e52502009");
        return app;
    }

    /// <summary>One instance of the backend, as far as revocation goes: its own table client, view, clock and administration.</summary>
    private sealed class Instance : IDisposable
    {
        private readonly RecordingMeterFactory _meters = new();

        private Instance(TableStorage storage, FakeTimeProvider clock)
        {
            Storage = storage;
            Clock = clock;
            var devices = new TableDeviceStore(storage);
            var log = new TableRevocationLog(storage);
            View = View(log, clock);
            Administration = new DeviceAdministration(new TableAppStore(storage), devices, devices, log, View, new AttestationMetrics(_meters), NullLogger<DeviceAdministration>.Instance);
        }

        public TableStorage Storage { get; }

        public FakeTimeProvider Clock { get; }

        public RevocationView View { get; }

        public DeviceAdministration Administration { get; }

        public static async Task<Instance> StartAsync(string prefix)
        {
            var connectionString = await SharedAzurite.GetConnectionStringAsync();
            return new Instance(new TableStorage(new TableServiceClient(connectionString, TableStorage.CreateClientOptions()), prefix), new FakeTimeProvider(DateTimeOffset.UtcNow));
        }

        public async Task<string> RegisterDeviceAsync()
        {
            var deviceId = Guid.NewGuid().ToString("N");
            var now = Clock.GetUtcNow();
            Assert.True(await new TableDeviceStore(Storage).TryAddAsync(new DeviceRegistration(App, deviceId, "debug", null, 0, now, now, "debug", DeviceStatus.Active)));
            return deviceId;
        }

        public void Dispose()
        {
            View.Dispose();
            _meters.Dispose();
        }
    }

    /// <summary>The real log, which can be switched to answer as an unreachable account does.</summary>
    private sealed class SwitchableLog(IRevocationLog inner) : IRevocationLog
    {
        public bool Down { get; set; }

        public Task<RevocationEntry?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default) =>
            Down ? Fail<RevocationEntry?>() : inner.FindAsync(appId, deviceId, cancellationToken);

        public Task<RevocationEntry> RecordAsync(RevocationEntry entry, CancellationToken cancellationToken = default) =>
            Down ? Fail<RevocationEntry>() : inner.RecordAsync(entry, cancellationToken);

        public Task<RevocationChanges> ReadChangesAsync(string? cursor, CancellationToken cancellationToken = default) =>
            Down ? Fail<RevocationChanges>() : inner.ReadChangesAsync(cursor, cancellationToken);

        private static Task<T> Fail<T>() => Task.FromException<T>(new DependencyUnavailableException("Table Storage", new IOException("down")));
    }
}
