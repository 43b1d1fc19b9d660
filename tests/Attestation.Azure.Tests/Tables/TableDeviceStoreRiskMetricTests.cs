using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// The risk metric's fields of an App Attest registration (the latest receipt, the metric, when it was read, the next allowed
/// exchange, the end of refresh), the due-device listing the timer reads, and rows written before those fields existed.
/// </summary>
public class TableDeviceStoreRiskMetricTests
{
    private const string AppId = "com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheRiskMetricFieldsAreStoredAndReadBack()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        Assert.True(await store.TryAddAsync(Apple("device-1")));
        var read = (await store.FindAsync(AppId, "device-1"))!;

        Assert.True(await store.TryUpdateAsync(read with
        {
            Receipt = [9, 9, 9],
            RiskMetric = 4,
            RiskMetricUpdatedAt = Now,
            NextReceiptExchangeAt = Now.AddDays(1),
            ReceiptRefreshEnded = true,
            ReceiptExchangeFailures = 2,
        }));
        var updated = (await store.FindAsync(AppId, "device-1"))!;

        Assert.Equal([9, 9, 9], updated.Receipt);
        Assert.Equal(4, updated.RiskMetric);
        Assert.Equal(Now, updated.RiskMetricUpdatedAt);
        Assert.Equal(Now.AddDays(1), updated.NextReceiptExchangeAt);
        Assert.True(updated.ReceiptRefreshEnded);
        Assert.Equal(2, updated.ReceiptExchangeFailures);
    }

    [Fact]
    public async Task AWriteFromAStaleReadChangesNothing()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        Assert.True(await store.TryAddAsync(Apple("device-1")));
        var read = (await store.FindAsync(AppId, "device-1"))!;
        Assert.True(await store.TryUpdateAsync(read with { Counter = 5 }));

        Assert.False(await store.TryUpdateAsync(read with { RiskMetric = 7, RiskMetricUpdatedAt = Now }));

        var current = (await store.FindAsync(AppId, "device-1"))!;
        Assert.Null(current.RiskMetric);
        Assert.Equal(5, current.Counter);
    }

    [Fact]
    public async Task ARowWrittenBeforeTheFieldsExistedReadsAsNeverExchangedAndIsDue()
    {
        var storage = await AzuriteTables.CreateAsync();
        var store = new TableDeviceStore(storage);
        var old = new TableEntity("device-old", AppId)
        {
            ["Platform"] = "apple-app-attest",
            ["PublicKey"] = new byte[] { 1, 2, 3 },
            ["Counter"] = 3L,
            ["FirstSeen"] = Now.AddDays(-2),
            ["LastSeen"] = Now.AddDays(-1),
            ["VerdictSummary"] = "apple-app-attest production",
            ["Status"] = "Active",
            ["Receipt"] = new byte[] { 4, 5, 6 },
            ["StatusVersion"] = 0L,
        };
        await storage.RunAsync(TableStorage.DevicesTable, async table => (await table.AddEntityAsync(old)).Status);

        var read = (await store.FindAsync(AppId, "device-old"))!;
        var due = await store.ListDueAsync(Now, 10);

        Assert.Null(read.RiskMetric);
        Assert.Null(read.RiskMetricUpdatedAt);
        Assert.Null(read.NextReceiptExchangeAt);
        Assert.False(read.ReceiptRefreshEnded);
        Assert.Equal(0, read.ReceiptExchangeFailures);
        Assert.Equal(["device-old"], due.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task OnlyActiveAppleDevicesWithAReceiptThatAreDueAndNotEndedAreListed()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        await store.TryAddAsync(Apple("due-never-tried"));
        await store.TryAddAsync(Apple("due-now") with { NextReceiptExchangeAt = Now });
        await store.TryAddAsync(Apple("later") with { NextReceiptExchangeAt = Now.AddSeconds(1) });
        await store.TryAddAsync(Apple("ended") with { ReceiptRefreshEnded = true });
        await store.TryAddAsync(Apple("revoked") with { Status = DeviceStatus.Revoked });
        await store.TryAddAsync(Apple("no-receipt") with { Receipt = null });
        await store.TryAddAsync(Apple("android") with { Platform = "android-key-attestation" });

        var due = await store.ListDueAsync(Now, 10);

        Assert.Equal(["due-never-tried", "due-now"], due.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheListingStopsAtItsBound()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        for (var i = 0; i < 5; i++)
        {
            await store.TryAddAsync(Apple($"device-{i}"));
        }

        Assert.Equal(2, (await store.ListDueAsync(Now, 2)).Count);
        Assert.Equal(5, (await store.ListDueAsync(Now, 100)).Count);
    }

    private static DeviceRegistration Apple(string deviceId) => new(
        AppId, deviceId, "apple-app-attest", [1, 2, 3], 0, Now.AddDays(-1), Now.AddDays(-1), "apple-app-attest production", DeviceStatus.Active,
        Receipt: [4, 5, 6], AttestedFacts: """{"environment":"production"}""");
}
