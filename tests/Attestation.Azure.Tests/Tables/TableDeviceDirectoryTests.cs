using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Attestation.Core.Errors;

namespace Attestation.Azure.Tests.Tables;

/// <summary>The admin listings of <see cref="TableDeviceStore"/>: by device (one partition) and by app (paged scan).</summary>
public class TableDeviceDirectoryTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ADevicesRegistrationsAreListedOnePerApp()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("com.contoso.a", "device-1"));
        await store.TryAddAsync(Registration("com.contoso.b", "device-1"));
        await store.TryAddAsync(Registration("com.contoso.a", "device-2"));

        var found = await store.ListByDeviceAsync("device-1");

        Assert.Equal(["com.contoso.a", "com.contoso.b"], found.Select(r => r.AppId).Order(StringComparer.Ordinal));
        Assert.All(found, r => Assert.Equal("device-1", r.DeviceId));
    }

    [Fact]
    public async Task AnAppsDevicesComeInFullPagesUntilTheLast()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        for (var i = 0; i < 5; i++)
        {
            await store.TryAddAsync(Registration("com.contoso.paged", $"device-{i}"));
            await store.TryAddAsync(Registration("com.contoso.other", $"device-{i}"));
        }

        var seen = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var page = await store.ListByAppAsync("com.contoso.paged", 2, continuation);
            Assert.True(page.Devices.Count == 2 || page.Continuation is null, "only the last page may be short");
            seen.AddRange(page.Devices.Select(d => d.DeviceId));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"device-{i}"), seen.Order(StringComparer.Ordinal));
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("AAAA")]
    public async Task AContinuationThisListingDidNotIssueIsInvalidRequest(string continuation)
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());

        var refused = await Assert.ThrowsAsync<AttestationException>(() => store.ListByAppAsync("com.contoso.a", 10, continuation));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refused.Code);
    }

    [Theory]
    [InlineData("YWJj")]
    [InlineData("YSBi")]
    [InlineData("ICAg")]
    public async Task AForgedContinuationOnlyMovesWithinTheAppsOwnDevices(string continuation)
    {
        // A continuation is a position (next partition and row key); a forged one starts elsewhere, but the filter stays.
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("com.contoso.mine", "device-1"));
        await store.TryAddAsync(Registration("com.contoso.theirs", "device-2"));

        var page = await store.ListByAppAsync("com.contoso.mine", 10, continuation);

        Assert.All(page.Devices, d => Assert.Equal("com.contoso.mine", d.AppId));
    }

    private static DeviceRegistration Registration(string appId, string deviceId) =>
        new(appId, deviceId, "debug", null, 0, Seen, Seen, "test", DeviceStatus.Active);
}
