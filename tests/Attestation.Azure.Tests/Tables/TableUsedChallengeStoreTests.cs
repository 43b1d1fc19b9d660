using System.Buffers.Text;
using Attestation.Azure.Tables;
using Attestation.Core.Challenges;
using Attestation.Core.Errors;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// Stateless challenges redeemed against used markers in Azurite: every refusal but "already used" is decided before any
/// storage call, and the marker's insert-once makes a challenge single use under any concurrency.
/// </summary>
public class TableUsedChallengeStoreTests
{
    private const string App = "com.contoso.demo";
    private static readonly ChallengeKey V1 = new("v1", Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly ChallengeKey V2 = new("v2", Enumerable.Repeat((byte)2, 32).ToArray());
    private static readonly ChallengeKey V3 = new("v3", Enumerable.Repeat((byte)3, 32).ToArray());
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AnIssuedChallengeIsRedeemedOnceWithOneInsert()
    {
        var (service, requests, _) = await CreateAsync();
        var challenge = await service.IssueAsync(App);
        Assert.Equal(0, requests.Count);

        await service.RedeemAsync(App, challenge.Value);

        Assert.Equal(["POST /devstoreaccount1/Tables", $"POST /devstoreaccount1/{requests.Prefix}usedchallenges"], requests.Log.Requests);
    }

    [Fact]
    public async Task IssuedChallengesAreDistinct103CharacterBase64UrlTextsExpiringAfterTheLifetime()
    {
        var (service, _, _) = await CreateAsync();

        var values = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            var challenge = await service.IssueAsync(App);
            Assert.Matches("^[A-Za-z0-9_-]{103}$", challenge.Value);
            Assert.Equal(_clock.GetUtcNow().AddMinutes(5), challenge.ExpiresAt);
            values.Add(challenge.Value);
        }

        Assert.Equal(20, values.Count);
        Assert.Equal(103, SealedChallenge.TextLength);
    }

    [Fact]
    public async Task AReplayedChallengeIsAlreadyUsedAndWritesNothing()
    {
        var (service, requests, table) = await CreateAsync();
        var challenge = await service.IssueAsync(App);
        await service.RedeemAsync(App, challenge.Value);

        var replay = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync(App, challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, replay.Code);
        Assert.Contains("already used", replay.Detail, StringComparison.Ordinal);
        Assert.Single(await RowsAsync(table.Table));
    }

    /// <summary>Byte positions: 0 format version, 1..4 key id, 5..12 expiry, 13..44 random, 45..76 MAC.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(44)]
    [InlineData(45)]
    [InlineData(76)]
    public async Task AChallengeWithAnyByteFlippedIsRefusedBeforeAnyStorageCall(int position)
    {
        var (service, requests, _) = await CreateAsync();
        var bytes = Base64Url.DecodeFromChars((await service.IssueAsync(App)).Value);
        bytes[position] ^= 0x01;

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync(App, Base64Url.EncodeToString(bytes)));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Equal(0, requests.Count);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("over-long")]
    [InlineData("standard alphabet")]
    [InlineData("padded")]
    [InlineData("spare bits set")]
    [InlineData("empty")]
    [InlineData("43 characters")]
    public async Task TextThatIsNotAnIssuedChallengeIsRefusedBeforeAnyStorageCall(string mutation)
    {
        var (service, requests, _) = await CreateAsync();
        var value = (await service.IssueAsync(App)).Value;
        var mutated = mutation switch
        {
            "truncated" => value[..^1],
            "over-long" => value + "A",
            "standard alphabet" => "+/" + value[2..],
            "padded" => value + "=",
            "spare bits set" => value[..^1] + Base64UrlCharacter(Base64UrlIndex(value[^1]) ^ 0x01),
            "empty" => "",
            _ => new string('A', 43),
        };

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync(App, mutated));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Equal(0, requests.Count);
    }

    [Fact]
    public async Task AChallengeOfAnotherAppIsRefusedWithoutTouchingStorageAndStaysUsableForItsOwnApp()
    {
        var (service, requests, _) = await CreateAsync();
        var challenge = await service.IssueAsync(App);

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync("com.contoso.other", challenge.Value));
        Assert.Equal(0, requests.Count);

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Contains("not issued for this app", refused.Detail, StringComparison.Ordinal);
        await service.RedeemAsync(App, challenge.Value);
    }

    [Fact]
    public async Task AnExpiredChallengeIsRefusedBeforeAnyStorageCall()
    {
        var (service, requests, _) = await CreateAsync();
        var challenge = await service.IssueAsync(App);

        _clock.Advance(TimeSpan.FromMinutes(5));
        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync(App, challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Contains("expired", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(0, requests.Count);
    }

    [Fact]
    public async Task AChallengeJustBeforeItsExpiryIsAccepted()
    {
        var (service, _, _) = await CreateAsync();
        var challenge = await service.IssueAsync(App);

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await service.RedeemAsync(App, challenge.Value);
    }

    [Fact]
    public async Task AChallengeOfThePreviousKeyVersionIsAcceptedAfterARotation()
    {
        var (before, _, storage) = await CreateAsync(new ChallengeKeySet(V1, null));
        var challenge = await before.IssueAsync(App);
        var after = Service(storage.Store, new ChallengeKeySet(V2, V1));

        await after.RedeemAsync(App, challenge.Value);
        Assert.Equal(V2.KeyId.ToString("x8"), KeyIdHex((await after.IssueAsync(App)).Value));
    }

    [Fact]
    public async Task AChallengeOfAKeyVersionNoLongerAcceptedIsRefusedBeforeAnyStorageCall()
    {
        var (before, _, storage) = await CreateAsync(new ChallengeKeySet(V1, null));
        var challenge = await before.IssueAsync(App);
        var requests = new StorageRequestLog();
        var afterTwoRotations = Service(new TableUsedChallengeStore(await CountedStorageAsync(requests, storage.Prefix)), new ChallengeKeySet(V3, V2));

        var refused = await Assert.ThrowsAsync<AttestationException>(() => afterTwoRotations.RedeemAsync(App, challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Contains("no longer accepts", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(0, requests.Count);
    }

    [Fact]
    public async Task AChallengeNamingAKeyIdNoVersionHasIsRefusedAndAsksTheProviderForThatId()
    {
        var keys = new RecordingKeys(new ChallengeKeySet(V2, V1));
        var (sealer, _, storage) = await CreateAsync(new ChallengeKeySet(V3, null));
        var challenge = await sealer.IssueAsync(App);
        var service = Service(storage.Store, keys);

        var refused = await Assert.ThrowsAsync<AttestationException>(() => service.RedeemAsync(App, challenge.Value));

        Assert.Equal(AttestationErrorCode.ChallengeInvalid, refused.Code);
        Assert.Equal([V3.KeyId], keys.AskedFor);
    }

    [Fact]
    public async Task OfEightRedemptionsHeldUntilAllReachTheStoreExactlyOneSucceeds()
    {
        // Every redemption's first call on the table (the marker's insert; a read, were it a check-then-write) is held until
        // all eight have made it, so they race at the store itself.
        const int parties = 8;
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.UsedChallengesTable));
        var prefix = SharedAzurite.NewTablePrefix();
        var service = Service(new TableUsedChallengeStore(await CountedStorageAsync(held, prefix)), new ChallengeKeySet(V1, null));
        var challenge = await service.IssueAsync(App);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, parties).Select(async _ =>
        {
            try
            {
                await service.RedeemAsync(App, challenge.Value);
                return "redeemed";
            }
            catch (AttestationException refused) when (refused.Code == AttestationErrorCode.ChallengeInvalid)
            {
                return refused.Detail;
            }
        }));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Single(outcomes, o => o == "redeemed");
        Assert.All(outcomes.Where(o => o != "redeemed"), o => Assert.Contains("already used", o, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStorageOutageIsADependencyOutageAndLeavesTheChallengeUsable()
    {
        var prefix = SharedAzurite.NewTablePrefix();
        var down = Service(new TableUsedChallengeStore(await CountedStorageAsync(new Unreachable(), prefix)), new ChallengeKeySet(V1, null));
        var challenge = await down.IssueAsync(App);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => down.RedeemAsync(App, challenge.Value));

        var up = Service(new TableUsedChallengeStore(await CountedStorageAsync(new StorageRequestLog(), prefix)), new ChallengeKeySet(V1, null));
        await up.RedeemAsync(App, challenge.Value);
    }

    [Fact]
    public async Task CleanUpDeletesWholeExpiredSlotsAndKeepsLiveOnes()
    {
        var (_, _, storage) = await CreateAsync();
        var now = _clock.GetUtcNow();
        var store = storage.Store;

        // 250 markers in the slot that ended at 12:00 (more than two transactions' worth), two in older slots, and live ones:
        // one in the current slot that already expired (its slot has not ended, so it waits for the next run), others later.
        for (var i = 0; i < 250; i++)
        {
            Assert.True(await store.TryMarkUsedAsync($"old-{i}", now.AddMinutes(-1)));
        }

        Assert.True(await store.TryMarkUsedAsync("older", now.AddHours(-3)));
        Assert.True(await store.TryMarkUsedAsync("oldest", now.AddDays(-2)));
        Assert.True(await store.TryMarkUsedAsync("current-slot", now.AddMinutes(1)));
        Assert.True(await store.TryMarkUsedAsync("later", now.AddMinutes(40)));

        Assert.Equal(252, await store.DeleteExpiredAsync(now));

        var left = (await RowsAsync(storage.Table)).Select(r => r.RowKey).Order(StringComparer.Ordinal);
        Assert.Equal(["current-slot", "later"], left);
        Assert.Equal(0, await store.DeleteExpiredAsync(now));
        Assert.Equal(1, await store.DeleteExpiredAsync(now.AddMinutes(15)));
    }

    [Fact]
    public async Task TwoCleanUpsRacingDeleteEveryExpiredMarkerExactlyOnceBetweenThem()
    {
        var (_, _, storage) = await CreateAsync();
        var now = _clock.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => storage.Store.TryMarkUsedAsync($"old-{i}", now.AddMinutes(-1 - (i % 3 * 15)))));
        await storage.Store.TryMarkUsedAsync("live", now.AddMinutes(20));

        // Both clean-ups' first transactions are held until both have listed the same slot and sent its deletions: one of
        // them meets rows the other already deleted, which it must take as done rather than fail on.
        var held = new HeldRequests(2, request => request.Method == RequestMethod.Post && Uri.UnescapeDataString(request.Uri.Path).EndsWith("/$batch", StringComparison.Ordinal));
        var racing = new TableUsedChallengeStore(await CountedStorageAsync(held, storage.Prefix));
        var deleted = await Task.WhenAll(racing.DeleteExpiredAsync(now), racing.DeleteExpiredAsync(now));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);

        Assert.Equal(300, deleted.Sum());
        Assert.Equal(["live"], (await RowsAsync(storage.Table)).Select(r => r.RowKey));
    }

    [Fact]
    public async Task CleanUpOfOneExpiredSlotCostsFourCallsWhateverTheLiveRows()
    {
        var requests = new StorageRequestLog();
        var prefix = SharedAzurite.NewTablePrefix();
        var store = new TableUsedChallengeStore(await CountedStorageAsync(requests, prefix));
        var now = _clock.GetUtcNow();
        for (var i = 0; i < 30; i++)
        {
            await store.TryMarkUsedAsync($"live-{i}", now.AddMinutes(20));
        }

        await store.TryMarkUsedAsync("expired", now.AddMinutes(-20));
        requests.Clear();

        Assert.Equal(1, await store.DeleteExpiredAsync(now));

        // Find the oldest slot (a key-range query), list it (a partition query), one transaction, then find nothing more.
        Assert.Equal(4, requests.Count);
    }

    [Theory]
    [InlineData("2026-11-28T12:00:00Z", "202611281200")]
    [InlineData("2026-11-28T12:14:59Z", "202611281200")]
    [InlineData("2026-11-28T12:15:00Z", "202611281215")]
    [InlineData("2026-12-31T23:59:59+01:00", "202612312245")]
    public void AMarkersPartitionIsTheQuarterHourOfItsExpiryInUtc(string expiresAt, string partition) =>
        Assert.Equal(partition, ExpiringMarkers.PartitionOf(DateTimeOffset.Parse(expiresAt, System.Globalization.CultureInfo.InvariantCulture)));

    private static string KeyIdHex(string challenge) => Convert.ToHexStringLower(Base64Url.DecodeFromChars(challenge).AsSpan(1, 4));

    private static int Base64UrlIndex(char c) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".IndexOf(c, StringComparison.Ordinal);

    private static char Base64UrlCharacter(int index) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[index];

    private static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<TableStorage> CountedStorageAsync(HttpPipelinePolicy policy, string prefix)
    {
        var options = TableStorage.CreateClientOptions();
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new TableStorage(new TableServiceClient(await SharedAzurite.GetConnectionStringAsync(), options), prefix);
    }

    private async Task<(ChallengeService Service, Counted Requests, Storage Storage)> CreateAsync(ChallengeKeySet? keys = null)
    {
        var log = new StorageRequestLog();
        var prefix = SharedAzurite.NewTablePrefix();
        var store = new TableUsedChallengeStore(await CountedStorageAsync(log, prefix));
        var table = new TableServiceClient(await SharedAzurite.GetConnectionStringAsync()).GetTableClient(prefix + TableStorage.UsedChallengesTable);
        return (Service(store, keys ?? new ChallengeKeySet(V1, null)), new Counted(log, prefix), new Storage(store, table, prefix));
    }

    private ChallengeService Service(IUsedChallengeStore store, ChallengeKeySet keys) => Service(store, new RecordingKeys(keys));

    private ChallengeService Service(IUsedChallengeStore store, IChallengeKeyProvider keys) =>
        new(store, keys, Options.Create(new ChallengeOptions()), _clock);

    private sealed record Counted(StorageRequestLog Log, string Prefix)
    {
        public int Count => Log.Count;
    }

    private sealed record Storage(TableUsedChallengeStore Store, TableClient Table, string Prefix);

    private sealed class RecordingKeys(ChallengeKeySet keys) : IChallengeKeyProvider
    {
        public List<uint> AskedFor { get; } = [];

        public ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(keys);

        public ValueTask<ChallengeKeySet> GetKeysIncludingAsync(uint keyId, CancellationToken cancellationToken = default)
        {
            lock (AskedFor)
            {
                AskedFor.Add(keyId);
            }

            return ValueTask.FromResult(keys);
        }
    }

    /// <summary>Fails every request as a dropped connection would.</summary>
    private sealed class Unreachable : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new IOException("Simulated: storage is unreachable.");

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new IOException("Simulated: storage is unreachable.");
    }
}
