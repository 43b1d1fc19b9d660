using Attestation.Azure.Tables;
using Attestation.Core.Devices;

namespace Attestation.Azure.Tests.Tables;

/// <summary>The App Attest receipt kept with a registration for later risk checks.</summary>
public class TableDeviceStoreReceiptTests
{
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheReceiptIsStoredAndSurvivesACounterUpdate()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        var receipt = Enumerable.Range(0, 4000).Select(i => (byte)i).ToArray();
        Assert.True(await store.TryAddAsync(new DeviceRegistration(
            "com.contoso.demo", "device-1", "apple-app-attest", [1, 2, 3], 0, Seen, Seen, "apple-app-attest development", DeviceStatus.Active, Receipt: receipt)));

        var read = (await store.FindAsync("com.contoso.demo", "device-1"))!;
        Assert.True(await store.TryUpdateAsync(read with { Counter = 1 }));
        var updated = (await store.FindAsync("com.contoso.demo", "device-1"))!;

        Assert.Equal(receipt, read.Receipt);
        Assert.Equal(receipt, updated.Receipt);
        Assert.Equal(1, updated.Counter);
    }

    [Fact]
    public async Task ARegistrationWithoutReceiptReadsBackWithout()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(new DeviceRegistration("com.contoso.demo", "device-2", "debug", null, 0, Seen, Seen, "debug token", DeviceStatus.Active));

        Assert.Null((await store.FindAsync("com.contoso.demo", "device-2"))!.Receipt);
    }
}
