using Attestation.Azure.Tables;
using Attestation.TestSupport;

namespace Attestation.Azure.Tests.Tables;

public class TableConsumedTokenStoreTests
{
    [Fact]
    public async Task OfEightConsumptionsHeldUntilAllReachTheStoreExactlyOneSucceeds()
    {
        // Every consumption's first call on the table (the insert; a read, were it a check-then-write) is held until all
        // eight have made it: only a write that the store itself refuses to repeat lets just one through.
        const int parties = 8;
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.ConsumedTokensTable));
        var store = new TableConsumedTokenStore(await AzuriteTables.CreateAsync(held));
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, parties).Select(_ => store.TryConsumeAsync("jti-1", expires)));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Equal(1, outcomes.Count(consumed => consumed));
    }

    [Fact]
    public async Task DifferentTokensAreConsumedIndependently()
    {
        var store = new TableConsumedTokenStore(await AzuriteTables.CreateAsync());

        Assert.True(await store.TryConsumeAsync("a", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(await store.TryConsumeAsync("b", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.False(await store.TryConsumeAsync("a", DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task CleanUpForgetsOnlyExpiredRecords()
    {
        var store = new TableConsumedTokenStore(await AzuriteTables.CreateAsync());
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        await store.TryConsumeAsync("old", now.AddSeconds(-5));
        await store.TryConsumeAsync("live", now.AddSeconds(5));

        Assert.Equal(1, await store.DeleteExpiredAsync(now));
        Assert.True(await store.TryConsumeAsync("old", now.AddSeconds(5)));
        Assert.False(await store.TryConsumeAsync("live", now.AddSeconds(5)));
    }
}
