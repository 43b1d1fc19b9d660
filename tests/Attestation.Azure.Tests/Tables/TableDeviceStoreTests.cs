using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Attestation.TestSupport;
using Azure.Core;

namespace Attestation.Azure.Tests.Tables;

public class TableDeviceStoreTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ARegistrationIsWrittenOnceAndReadBack()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        var registration = Registration("device-1");

        Assert.True(await store.TryAddAsync(registration));
        Assert.False(await store.TryAddAsync(registration with { Counter = 99, Platform = "debug" }));
        var stored = await store.FindAsync("com.contoso.demo", "device-1");

        Assert.NotNull(stored);
        Assert.Equal(registration.PublicKey, stored.PublicKey);
        Assert.Equal(registration with { ConcurrencyStamp = stored.ConcurrencyStamp }, stored with { PublicKey = registration.PublicKey });
        Assert.NotNull(stored.ConcurrencyStamp);
    }

    [Fact]
    public async Task ARegistrationBelongsToOneApp()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("device-1"));

        Assert.Null(await store.FindAsync("com.contoso.other", "device-1"));
        Assert.Null(await store.FindAsync("com.contoso.demo", "device-2"));
    }

    [Fact]
    public async Task OfTwoUpdatesFromTheSameReadOnlyTheFirstIsWritten()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("device-1"));
        var read = (await store.FindAsync("com.contoso.demo", "device-1"))!;

        Assert.True(await store.TryUpdateAsync(read with { Counter = 5 }));
        Assert.False(await store.TryUpdateAsync(read with { Counter = 6 }));
        Assert.Equal(5, (await store.FindAsync("com.contoso.demo", "device-1"))!.Counter);
    }

    [Fact]
    public async Task AnImitatedUpdateWritesNothingForARegisteredOrAnUnknownDevice()
    {
        // Decoy answers spend this call in place of a device write; it must neither touch a registration nor create one.
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("device-1"));
        var before = (await store.FindAsync("com.contoso.demo", "device-1"))!;

        await store.ImitateUpdateAsync("com.contoso.demo", "device-1");
        await store.ImitateUpdateAsync("com.contoso.demo", "device-2");

        var after = (await store.FindAsync("com.contoso.demo", "device-1"))!;
        Assert.Equal(before.ConcurrencyStamp, after.ConcurrencyStamp);
        Assert.Equal(before with { PublicKey = null, Receipt = null }, after with { PublicKey = null, Receipt = null });
        Assert.Null(await store.FindAsync("com.contoso.demo", "device-2"));
        Assert.True(await store.TryUpdateAsync(before with { Counter = 5 }));
    }

    [Fact]
    public async Task OfEightUpdatesFromTheSameReadHeldUntilAllReachTheStoreExactlyOneIsWritten()
    {
        const int parties = 8;
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.DevicesTable, RequestMethod.Put));
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync(held));
        await store.TryAddAsync(Registration("device-1"));
        var read = (await store.FindAsync("com.contoso.demo", "device-1"))!;

        var outcomes = await Task.WhenAll(Enumerable.Range(1, parties).Select(i => store.TryUpdateAsync(read with { Counter = i })));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Equal(1, outcomes.Count(written => written));
        Assert.Equal(Array.IndexOf(outcomes, true) + 1, (await store.FindAsync("com.contoso.demo", "device-1"))!.Counter);
    }

    [Fact]
    public async Task OfEightReadThenUpdatesThatAllReadBeforeAnyWritesExactlyOneIsWritten()
    {
        // As a refresh does: read the registration, then write it back changed. Every read is held until all eight have
        // read, so each writes from the same version and only the version condition keeps seven of them out.
        const int parties = 8;
        var prefix = SharedAzurite.NewTablePrefix();
        await new TableDeviceStore(await AzuriteTables.CreateAsync(prefix: prefix)).TryAddAsync(Registration("device-1"));
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.DevicesTable, RequestMethod.Get));
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync(held, prefix));

        var outcomes = await Task.WhenAll(Enumerable.Range(1, parties).Select(async i =>
        {
            var read = (await store.FindAsync("com.contoso.demo", "device-1"))!;
            return read.Counter == 0 && await store.TryUpdateAsync(read with { Counter = i });
        }));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Equal(1, outcomes.Count(written => written));
        Assert.Equal(Array.IndexOf(outcomes, true) + 1, (await store.FindAsync("com.contoso.demo", "device-1"))!.Counter);
    }

    [Fact]
    public async Task RevocationIsStored()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Registration("device-1"));
        var read = (await store.FindAsync("com.contoso.demo", "device-1"))!;

        await store.TryUpdateAsync(read with { Status = DeviceStatus.Revoked });

        Assert.Equal(DeviceStatus.Revoked, (await store.FindAsync("com.contoso.demo", "device-1"))!.Status);
    }

    private static DeviceRegistration Registration(string deviceId) =>
        new("com.contoso.demo", deviceId, "apple-app-attest", [1, 2, 3, 4], 0, Seen, Seen, "summary", DeviceStatus.Active);
}
