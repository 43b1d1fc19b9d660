using Attestation.Azure.Tables;
using Attestation.Core.Revocation;

namespace Attestation.Azure.Tests.Revocation;

/// <summary>The revocation log's table: which entry wins, and reads of what changed since a cursor.</summary>
public class TableRevocationLogTests
{
    [Fact]
    public async Task ARecordedEntryIsFoundAndAnOlderVersionDoesNotReplaceIt()
    {
        var log = new TableRevocationLog(await AzuriteTables.CreateAsync());
        await log.RecordAsync(new RevocationEntry("app", "device", true, 2));

        var kept = await log.RecordAsync(new RevocationEntry("app", "device", false, 1));

        Assert.Equal(new RevocationEntry("app", "device", true, 2), kept);
        Assert.Equal(kept, await log.FindAsync("app", "device"));
        Assert.Null(await log.FindAsync("app", "other"));
    }

    [Fact]
    public async Task AtTheSameVersionARevocationReplacesARestoreAndNotTheOtherWayRound()
    {
        var log = new TableRevocationLog(await AzuriteTables.CreateAsync());
        await log.RecordAsync(new RevocationEntry("app", "device", false, 3));

        var revoked = await log.RecordAsync(new RevocationEntry("app", "device", true, 3));
        var afterRestore = await log.RecordAsync(new RevocationEntry("app", "device", false, 3));

        Assert.True(revoked.Revoked);
        Assert.True(afterRestore.Revoked);
        Assert.True((await log.FindAsync("app", "device"))!.Revoked);
    }

    [Fact]
    public async Task AReadFromACursorReturnsWhatWasWrittenSinceAndNotWhatWasWrittenBefore()
    {
        var log = new TableRevocationLog(await AzuriteTables.CreateAsync(), overlap: TimeSpan.Zero);
        await log.RecordAsync(new RevocationEntry("app", "before", true, 1));
        await Task.Delay(50);
        await log.RecordAsync(new RevocationEntry("app", "last-read", true, 1));
        var first = await log.ReadChangesAsync(null);

        await log.RecordAsync(new RevocationEntry("app", "after", true, 1));
        await log.RecordAsync(new RevocationEntry("app", "last-read", false, 2));
        var changes = await log.ReadChangesAsync(first.Cursor);

        Assert.Equal(["before", "last-read"], first.Entries.Select(e => e.DeviceId).Order());
        Assert.Equal(["after", "last-read"], changes.Entries.Select(e => e.DeviceId).Order());
        Assert.False(changes.Entries.Single(e => e.DeviceId == "last-read").Revoked);
    }

    [Fact]
    public async Task AReadWithTheDefaultOverlapAlsoReturnsTheRowsOfTheLastMinuteBeforeTheCursor()
    {
        var log = new TableRevocationLog(await AzuriteTables.CreateAsync());
        await log.RecordAsync(new RevocationEntry("app", "recent", true, 1));
        var first = await log.ReadChangesAsync(null);

        var again = await log.ReadChangesAsync(first.Cursor);

        Assert.Equal("recent", Assert.Single(again.Entries).DeviceId);
        Assert.Equal(first.Cursor, again.Cursor);
    }
}
