using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// The attestation instant and the platform's facts kept with a registration for refresh to re-check (issue 16, finding 3),
/// and rows written before those columns existed, which must still read.
/// </summary>
public class TableDeviceStoreAttestedFactsTests
{
    private const string AppId = "com.contoso.demo";
    private static readonly DateTimeOffset Seen = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheAttestedInstantAndFactsAreStoredAndSurviveACounterUpdate()
    {
        var store = new TableDeviceStore(await AzuriteTables.CreateAsync());
        var facts = """{"environment":"production"}""";
        Assert.True(await store.TryAddAsync(new DeviceRegistration(
            AppId, "device-1", "apple-app-attest", [1, 2, 3], 0, Seen, Seen, "apple-app-attest production", DeviceStatus.Active,
            AttestedAt: Seen.AddSeconds(1), AttestedFacts: facts)));

        var read = (await store.FindAsync(AppId, "device-1"))!;
        Assert.True(await store.TryUpdateAsync(read with { Counter = 1, LastSeen = Seen.AddDays(1) }));
        var updated = (await store.FindAsync(AppId, "device-1"))!;

        Assert.Equal(Seen.AddSeconds(1), read.AttestedAt);
        Assert.Equal(facts, read.AttestedFacts);
        Assert.Equal(Seen.AddSeconds(1), updated.AttestedAt);
        Assert.Equal(facts, updated.AttestedFacts);
    }

    [Fact]
    public async Task ARowWrittenBeforeTheColumnsExistedReadsWithoutThemAndCountsItsAgeFromFirstSeen()
    {
        var storage = await AzuriteTables.CreateAsync();
        var store = new TableDeviceStore(storage);

        // Exactly the columns a registration had before this change.
        var old = new TableEntity("device-old", AppId)
        {
            ["Platform"] = "android-key-attestation",
            ["PublicKey"] = new byte[] { 1, 2, 3 },
            ["Counter"] = 0L,
            ["FirstSeen"] = Seen,
            ["LastSeen"] = Seen.AddDays(3),
            ["VerdictSummary"] = "android tee v300, boot VERIFIED, root google-rsa",
            ["Status"] = "Active",
            ["StatusVersion"] = 0L,
        };
        await storage.RunAsync(TableStorage.DevicesTable, async table => (await table.AddEntityAsync(old)).Status);

        var read = (await store.FindAsync(AppId, "device-old"))!;

        Assert.Null(read.AttestedAt);
        Assert.Null(read.AttestedFacts);
        Assert.Equal(Seen, read.AttestationInstant);
        Assert.Equal(DeviceStatus.Active, read.Status);
        Assert.True(await store.TryUpdateAsync(read with { LastSeen = Seen.AddDays(4) }));
        Assert.Null((await store.FindAsync(AppId, "device-old"))!.AttestedFacts);
    }
}
