using Attestation.Azure.Tables;

namespace Attestation.Azure.Tests.Tables;

public class TableConsumedTokenStoreTests
{
    [Fact]
    public async Task OfFiftyConcurrentConsumptionsOfOneTokenExactlyOneSucceeds()
    {
        var store = new TableConsumedTokenStore(await AzuriteTables.CreateAsync());
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await store.TryConsumeAsync("jti-1", expires);
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(attempts);

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
