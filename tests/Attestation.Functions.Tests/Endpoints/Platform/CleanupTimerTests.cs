using System.Net;
using Attestation.Azure.Tables;
using Attestation.Functions.Endpoints.Platform;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests.Endpoints.Platform;

/// <summary>
/// Issue 15, finding 7: the clean-up timer end to end. Markers are made by real requests (attest spends a challenge, a
/// consuming verify marks a token), the clock is pinned past their expiry, and the timer function runs as the local host
/// runs it (its catalog entry, a new scope, a <see cref="TimerInfo"/>) against Azurite. The per-run cap is lowered from
/// <see cref="ExpiringMarkers.MaxRowsPerRun"/> to <see cref="Cap"/> (the same code path), so that reaching it takes
/// hundreds of rows rather than ten thousand.
/// </summary>
public sealed class CleanupTimerTests : IAsyncLifetime
{
    private const int Cap = 250;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _prefix = SharedAzurite.NewTablePrefix();
    private RunningBackend _backend = null!;
    private TableServiceClient _tables = null!;

    public async Task InitializeAsync()
    {
        var storage = await SharedAzurite.GetConnectionStringAsync();
        _tables = new TableServiceClient(storage);
        var tableStorage = new TableStorage(new TableServiceClient(storage, TableStorage.CreateClientOptions()), _prefix) { MaxExpiredRowsPerRun = Cap };
        _backend = await RunningBackend.StartAsync(storage, services: s => s.AddSingleton<TimeProvider>(_clock).AddSingleton(tableStorage), tablePrefix: _prefix);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task ExpiredMarkersAreDeletedAndLiveOnesKept()
    {
        var expired = await AttestAndConsumeAsync();
        Assert.Single(await RowKeysAsync(TableStorage.UsedChallengesTable));
        Assert.Single(await RowKeysAsync(TableStorage.ConsumedTokensTable));

        // Past both expiries (challenge and token lifetimes are 5 minutes) and past the end of the 15-minute slot holding them.
        _clock.Advance(TimeSpan.FromMinutes(31));
        var live = await AttestAndConsumeAsync();
        Assert.NotEqual(expired, live);

        await RunTimerAsync();

        Assert.Equal([live.Challenge], await RowKeysAsync(TableStorage.UsedChallengesTable));
        Assert.Equal([live.TokenId], await RowKeysAsync(TableStorage.ConsumedTokensTable));
    }

    [Fact]
    public async Task ARunDeletesAtMostItsCapPerTableAndTheNextRunCarriesOn()
    {
        // In each table, more than a run's cap: 300 rows in the oldest ended slot, 100 in a later one.
        var oldest = ExpiringMarkers.PartitionOf(_clock.GetUtcNow().AddHours(-2));
        var older = ExpiringMarkers.PartitionOf(_clock.GetUtcNow().AddHours(-1));
        foreach (var name in new[] { TableStorage.UsedChallengesTable, TableStorage.ConsumedTokensTable })
        {
            var table = _tables.GetTableClient(_prefix + name);
            await table.CreateIfNotExistsAsync();
            foreach (var (partition, count) in new[] { (oldest, 300), (older, 100) })
            {
                foreach (var batch in Enumerable.Range(0, count).Chunk(100))
                {
                    await table.SubmitTransactionAsync(batch.Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"backlog-{i:D3}"))));
                }
            }
        }

        var live = await AttestAndConsumeAsync();

        await RunTimerAsync();
        var usedAfterFirst = await RowKeysAsync(TableStorage.UsedChallengesTable);
        var consumedAfterFirst = await RowKeysAsync(TableStorage.ConsumedTokensTable);
        await RunTimerAsync();

        Assert.Equal(400 - Cap + 1, usedAfterFirst.Count);
        Assert.Equal(400 - Cap + 1, consumedAfterFirst.Count);
        Assert.Contains(live.Challenge, usedAfterFirst);
        Assert.Contains(live.TokenId, consumedAfterFirst);
        Assert.Equal([live.Challenge], await RowKeysAsync(TableStorage.UsedChallengesTable));
        Assert.Equal([live.TokenId], await RowKeysAsync(TableStorage.ConsumedTokensTable));
    }

    /// <summary>The timer function as <see cref="LocalTimerService"/> invokes it.</summary>
    private async Task RunTimerAsync()
    {
        var timer = FunctionCatalog.Discover(typeof(CleanupFunction).Assembly).Timers.Single(t => t.Name == nameof(CleanupFunction.CleanupExpiredRecords));
        using var scope = _backend.Services.CreateScope();
        await (Task)timer.Invoke(scope.ServiceProvider, new TimerInfo(), CancellationToken.None)!;
    }

    /// <summary>Spends a challenge and consumes a token; returns the row keys of the markers they left.</summary>
    private async Task<(string Challenge, string TokenId)> AttestAndConsumeAsync()
    {
        var usedBefore = await RowKeysAsync(TableStorage.UsedChallengesTable);
        var consumedBefore = await RowKeysAsync(TableStorage.ConsumedTokensTable);
        using var attested = await _backend.AttestDebugAsync();
        Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString()!;
        Assert.True((await _backend.VerifyAsync(token, consume: true)).GetProperty("valid").GetBoolean());

        return (
            (await RowKeysAsync(TableStorage.UsedChallengesTable)).Except(usedBefore).Single(),
            (await RowKeysAsync(TableStorage.ConsumedTokensTable)).Except(consumedBefore).Single());
    }

    private async Task<List<string>> RowKeysAsync(string table)
    {
        var rows = new List<string>();
        if (!await ExistsAsync(_prefix + table))
        {
            return rows;
        }

        await foreach (var row in _tables.GetTableClient(_prefix + table).QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            rows.Add(row.RowKey);
        }

        return rows;
    }

    private async Task<bool> ExistsAsync(string table)
    {
        await foreach (var _ in _tables.QueryAsync(t => t.Name == table))
        {
            return true;
        }

        return false;
    }
}
