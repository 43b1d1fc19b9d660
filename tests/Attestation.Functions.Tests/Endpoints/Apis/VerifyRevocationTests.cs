using System.Net;
using Attestation.Core.Administration;
using Attestation.Core.Devices;
using Attestation.Core.Revocation;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests.Endpoints.Apis;

/// <summary>
/// Verify answers revocation from each instance's in-memory view: two backends on the same tables (two instances of one
/// deployment), each with its own pinned clock and a counter of the requests its storage client sends.
/// </summary>
public sealed class VerifyRevocationTests : IAsyncLifetime
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clockA = new(DateTimeOffset.UtcNow);
    private readonly FakeTimeProvider _clockB = new(DateTimeOffset.UtcNow);
    private readonly StorageRequestCounter _storageA = new();
    private readonly StorageRequestCounter _storageB = new();
    private RunningBackend _a = null!;
    private RunningBackend _b = null!;

    public async Task InitializeAsync()
    {
        var prefix = SharedAzurite.NewTablePrefix();
        _a = await RunningBackend.StartAsync(services: s => s.AddSingleton<TimeProvider>(_clockA).AddSingleton(_storageA.ClientOptions()), tablePrefix: prefix);
        _b = await RunningBackend.StartAsync(services: s => s.AddSingleton<TimeProvider>(_clockB).AddSingleton(_storageB.ClientOptions()), tablePrefix: prefix);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task ARevokedDeviceIsRefusedAtOnceOnTheInstanceThatRevokedItAndOnAnotherAfterItsNextRefresh()
    {
        var device = await NewDeviceAsync();
        Assert.True(await IsValidAsync(_b, device.Token));

        await Admin(_a).SetStatusAsync(RunningBackend.DemoApp, device.DeviceId, DeviceStatus.Revoked);

        Assert.Equal("device_revoked", await ReasonAsync(_a, device.Token));
        Assert.True(await IsValidAsync(_b, device.Token));
        await RefreshByTimerAsync(_b, _clockB);
        Assert.Equal("device_revoked", await ReasonAsync(_b, device.Token));
    }

    [Fact]
    public async Task ARestoredDeviceIsAcceptedAgainOnBothInstances()
    {
        var device = await NewDeviceAsync();
        await Admin(_a).SetStatusAsync(RunningBackend.DemoApp, device.DeviceId, DeviceStatus.Revoked);
        Assert.Equal("device_revoked", await ReasonAsync(_b, device.Token));

        await Admin(_a).SetStatusAsync(RunningBackend.DemoApp, device.DeviceId, DeviceStatus.Active);

        Assert.True(await IsValidAsync(_a, device.Token));
        Assert.Equal("device_revoked", await ReasonAsync(_b, device.Token));
        await RefreshByTimerAsync(_b, _clockB);
        Assert.True(await IsValidAsync(_b, device.Token));
    }

    [Fact]
    public async Task DeletingADebugTokenRefusesItsDevicesTokensOnEveryInstance()
    {
        var device = await NewDeviceAsync();
        Assert.True(await IsValidAsync(_b, device.Token));

        await _a.Services.GetRequiredService<AppAdministration>().RevokeDebugTokenAsync(RunningBackend.DemoApp, device.DeviceId);

        Assert.Equal("device_revoked", await ReasonAsync(_a, device.Token));
        await RefreshByTimerAsync(_b, _clockB);
        Assert.Equal("device_revoked", await ReasonAsync(_b, device.Token));
    }

    [Fact]
    public async Task VerifyMakesNoStorageCallAndVerifyWithConsumeMakesOne()
    {
        var devices = new[] { await NewDeviceAsync(), await NewDeviceAsync(), await NewDeviceAsync(), await NewDeviceAsync() };

        // Warm up: the view's first read, and the consumed-token table's creation.
        Assert.True(await IsValidAsync(_a, devices[0].Token));
        Assert.True((await _a.VerifyAsync(devices[0].Token, consume: true)).GetProperty("valid").GetBoolean());
        _storageA.Reset();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(await IsValidAsync(_a, devices[1].Token));
        }

        Assert.Equal(0, _storageA.Requests);

        foreach (var device in devices[1..])
        {
            Assert.True((await _a.VerifyAsync(device.Token, consume: true)).GetProperty("valid").GetBoolean());
        }

        Assert.Equal(3, _storageA.Requests);
    }

    [Fact]
    public async Task HealthProbesStorageAtMostOnceEveryFiveSeconds()
    {
        using (var first = await _a.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _storageA.Reset();
        for (var i = 0; i < 5; i++)
        {
            using var again = await _a.Client.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        _clockA.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        using (var stillCached = await _a.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, stillCached.StatusCode);
        }

        Assert.Equal(0, _storageA.Requests);
        _clockA.Advance(TimeSpan.FromTicks(1));
        using (var probed = await _a.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, probed.StatusCode);
        }

        Assert.Equal(1, _storageA.Requests);
    }

    private static DeviceAdministration Admin(RunningBackend backend) => backend.Services.GetRequiredService<DeviceAdministration>();

    /// <summary>Moves the instance's clock by one refresh interval, which fires its view's timer, and waits for that read.</summary>
    private static async Task RefreshByTimerAsync(RunningBackend backend, FakeTimeProvider clock)
    {
        var view = backend.Services.GetRequiredService<RevocationView>();
        var before = view.LatestRefresh;
        clock.Advance(RefreshInterval);
        Assert.NotSame(before, view.LatestRefresh);
        await view.LatestRefresh.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A device of its own (a debug token made for the test), attested on instance A.</summary>
    private async Task<(string Token, string DeviceId)> NewDeviceAsync()
    {
        var created = await _a.Services.GetRequiredService<AppAdministration>().CreateDebugTokenAsync(RunningBackend.DemoApp, DebugAccessRight.Held);
        using var response = await _a.AttestDebugAsync(debugToken: created.DebugToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await RunningBackend.ReadJsonAsync(response);
        Assert.Equal(created.Id, body.GetProperty("deviceId").GetString());
        return (body.GetProperty("token").GetString()!, created.Id);
    }

    private static async Task<bool> IsValidAsync(RunningBackend backend, string token) =>
        (await backend.VerifyAsync(token)).GetProperty("valid").GetBoolean();

    private static async Task<string?> ReasonAsync(RunningBackend backend, string token)
    {
        var result = await backend.VerifyAsync(token);
        Assert.False(result.GetProperty("valid").GetBoolean());
        return result.GetProperty("reason").GetString();
    }
}
