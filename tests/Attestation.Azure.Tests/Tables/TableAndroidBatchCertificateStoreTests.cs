using Attestation.Azure.Tables;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// Distinct attested keys per factory batch certificate in Azurite: a key is counted once whatever retries it, every key
/// gets its own ordinal under any concurrency, and the count matches the keys counted.
/// </summary>
public class TableAndroidBatchCertificateStoreTests
{
    private static readonly DateTimeOffset First = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly AndroidBatchCertificate Batch = new(new string('b', 64), "CN=Test Attestation Key, O=TEE");

    [Fact]
    public async Task EachNewKeyTakesTheNextOrdinalAndAKeyCountedBeforeKeepsItsOwn()
    {
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync());

        Assert.Equal(new AndroidBatchCertificateCount(1, 1), await store.CountKeyAsync(Batch, "key-1", First));
        Assert.Equal(new AndroidBatchCertificateCount(2, 2), await store.CountKeyAsync(Batch, "key-2", First.AddMinutes(1)));
        Assert.Equal(new AndroidBatchCertificateCount(1, 2), await store.CountKeyAsync(Batch, "key-1", First.AddMinutes(2)));
        Assert.Equal(new AndroidBatchCertificateCount(3, 3), await store.CountKeyAsync(Batch, "key-3", First.AddMinutes(3)));
    }

    [Fact]
    public async Task KeysOfAnotherBatchCertificateAreCountedApart()
    {
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync());
        var other = new AndroidBatchCertificate(new string('c', 64), "CN=Other");

        await store.CountKeyAsync(Batch, "key-1", First);
        await store.CountKeyAsync(Batch, "key-2", First);

        Assert.Equal(new AndroidBatchCertificateCount(1, 1), await store.CountKeyAsync(other, "key-1", First));
    }

    [Fact]
    public async Task TheListingShowsEachCertificateWithItsCountSubjectAndFirstAndLastSeen()
    {
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync());
        await store.CountKeyAsync(Batch, "key-1", First);
        await store.CountKeyAsync(Batch, "key-2", First.AddHours(1));
        await store.CountKeyAsync(Batch, "key-1", First.AddHours(2));

        var page = await store.ListAsync(1, 10, null);

        var listed = Assert.Single(page.Certificates);
        Assert.Equal(new AndroidBatchCertificateRecord(Batch.Sha256, Batch.Subject, 2, First, First.AddHours(1)), listed);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task TheListingKeepsCertificatesWithAtLeastTheMinimumAndPagesWithAContinuation()
    {
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync());
        for (var certificate = 1; certificate <= 5; certificate++)
        {
            var batch = new AndroidBatchCertificate(new string((char)('0' + certificate), 64), $"CN=Batch {certificate}");
            for (var key = 1; key <= certificate; key++)
            {
                await store.CountKeyAsync(batch, $"key-{key}", First);
            }
        }

        var first = await store.ListAsync(3, 2, null);
        Assert.Equal(2, first.Certificates.Count);
        Assert.NotNull(first.Continuation);
        var rest = await store.ListAsync(3, 2, first.Continuation);

        Assert.Equal([3L, 4L, 5L], first.Certificates.Concat(rest.Certificates).Select(c => c.Devices).Order());
        Assert.Empty((await store.ListAsync(6, 10, null)).Certificates);
    }

    [Fact]
    public async Task AContinuationTheListingDidNotReturnIsInvalidRequest()
    {
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync());

        var refused = await Assert.ThrowsAsync<AttestationException>(() => store.ListAsync(1, 10, "not a token!"));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refused.Code);
    }

    [Fact]
    public async Task OfEightNewKeysWhoseTransactionsAreHeldUntilAllHaveReadTheCountEachGetsItsOwnOrdinal()
    {
        // Every party's first transaction is held until all eight have read the count (none yet) and sent theirs: all race
        // on one count row. A read-then-write without the conditional transaction would give them all ordinal 1.
        const int parties = 8;
        var held = new HeldRequests(parties, IsTransaction);
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync(held));

        var counts = await Task.WhenAll(Enumerable.Range(1, parties).Select(i => store.CountKeyAsync(Batch, $"key-{i}", First)))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.Equal(Enumerable.Range(1, parties).Select(i => (long)i), counts.Select(c => c.Ordinal).Order());
        Assert.Equal(parties, Assert.Single((await store.ListAsync(1, 10, null)).Certificates).Devices);
    }

    [Fact]
    public async Task OfEightAttemptsOfOneKeyHeldTogetherTheKeyIsCountedOnce()
    {
        const int parties = 8;
        var held = new HeldRequests(parties, IsTransaction);
        var storage = await AzuriteTables.CreateAsync(held);
        var store = new TableAndroidBatchCertificateStore(storage);

        var counts = await Task.WhenAll(Enumerable.Range(1, parties).Select(_ => store.CountKeyAsync(Batch, "key-1", First)))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);
        Assert.All(counts, c => Assert.Equal(new AndroidBatchCertificateCount(1, 1), c));
        var rows = await storage.RunAsync(TableStorage.BatchCertificatesTable, async table =>
        {
            var found = new List<string>();
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                found.Add(row.RowKey);
            }

            return found;
        });
        Assert.Equal([TableAndroidBatchCertificateStore.CertificateRow, TableAndroidBatchCertificateStore.KeyRowPrefix + "key-1"], rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ACountIsOnePartitionReadAndOneTransactionAndAKeyCountedBeforeOneRead()
    {
        var requests = new StorageRequestLog();
        var store = new TableAndroidBatchCertificateStore(await AzuriteTables.CreateAsync(requests));
        await store.CountKeyAsync(Batch, "warm-up", First);
        requests.Clear();

        await store.CountKeyAsync(Batch, "key-1", First);
        Assert.Equal(2, requests.Count);

        requests.Clear();
        await store.CountKeyAsync(Batch, "key-1", First);
        Assert.Equal(1, requests.Count);
    }

    private static bool IsTransaction(Request request) =>
        request.Method == RequestMethod.Post && Uri.UnescapeDataString(request.Uri.Path).EndsWith("/$batch", StringComparison.Ordinal);
}
