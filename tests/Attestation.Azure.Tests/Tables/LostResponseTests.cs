using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Attestation.Core.Revocation;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// The SDK retries a write whose response was lost. The retried insert then meets its own row (409) and the retried
/// conditional update its own change (412): each store must recognise its own write, not report someone else's.
/// One test per conditional write of the Azure adapters: inserts (registration, app, used challenge, consumed token),
/// If-Match replaces (refresh counter, device status, app policy) and the revocation log's insert and replace.
/// </summary>
public class LostResponseTests
{
    [Fact]
    public async Task AConsumptionWhoseResponseWasLostStillCountsAsThisCallers()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableConsumedTokenStore(storage);
        await store.TryConsumeAsync("warm-up", DateTimeOffset.UtcNow.AddMinutes(5));

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryConsumeAsync("jti-lost", DateTimeOffset.UtcNow.AddMinutes(5)));

        Assert.Equal(1, losing.ResponsesLost);
        Assert.False(await store.TryConsumeAsync("jti-lost", DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task ARegistrationWhoseResponseWasLostStillCountsAsWritten()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableDeviceStore(storage);
        var now = DateTimeOffset.UtcNow;
        await store.TryAddAsync(new DeviceRegistration("app", "warm-up", "debug", null, 0, now, now, "", DeviceStatus.Active));

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryAddAsync(new DeviceRegistration("app", "device", "debug", null, 0, now, now, "", DeviceStatus.Active)));

        Assert.Equal(1, losing.ResponsesLost);
    }

    [Fact]
    public async Task AUsedMarkerWhoseResponseWasLostStillCountsAsThisRedemption()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableUsedChallengeStore(storage);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        await store.TryMarkUsedAsync("warm-up", expires);

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryMarkUsedAsync("challenge-1", expires));

        Assert.Equal(1, losing.ResponsesLost);
        Assert.False(await store.TryMarkUsedAsync("challenge-1", expires));
    }

    [Fact]
    public async Task ARefreshWhoseResponseWasLostStillCountsAsThisCallersCounter()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableDeviceStore(storage);
        var read = await AddAndReadAsync(store, "device");

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryUpdateAsync(read with { Counter = 7, LastSeen = read.LastSeen.AddMinutes(1) }));

        Assert.Equal(1, losing.ResponsesLost);
        var stored = (await store.FindAsync("app", "device"))!;
        Assert.Equal(7, stored.Counter);
        Assert.Equal(Attested, stored.AttestedAt);
        Assert.Equal("facts", stored.AttestedFacts);

        // The same counter from the same read, as a replayed proof would send it, is still refused.
        Assert.False(await store.TryUpdateAsync(read with { Counter = 7 }));
    }

    [Fact]
    public async Task AStatusChangeWhoseResponseWasLostStillCountsAsWritten()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableDeviceStore(storage);
        var read = await AddAndReadAsync(store, "device");

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryUpdateAsync(read with { Status = DeviceStatus.Revoked, StatusVersion = 1 }));

        Assert.Equal(1, losing.ResponsesLost);
        var stored = (await store.FindAsync("app", "device"))!;
        Assert.Equal(DeviceStatus.Revoked, stored.Status);
        Assert.Equal(1, stored.StatusVersion);
    }

    [Fact]
    public async Task AnUpdateThatMeetsAnotherWritersChangeIsStillRefused()
    {
        var (storage, _) = await CreateAsync();
        var store = new TableDeviceStore(storage);
        var read = await AddAndReadAsync(store, "device");

        Assert.True(await store.TryUpdateAsync(read with { Counter = 1 }));
        Assert.False(await store.TryUpdateAsync(read with { Counter = 2 }));

        Assert.Equal(1, (await store.FindAsync("app", "device"))!.Counter);
    }

    [Fact]
    public async Task ARowWrittenBeforeTheWriteStampStillReadsAndUpdates()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableDeviceStore(storage);
        var now = DateTimeOffset.UtcNow;
        await storage.RunAsync(TableStorage.DevicesTable, async table =>
        {
            // The columns as an insert wrote them before updates were stamped: InsertId, no WriteId, no attested facts.
            await table.AddEntityAsync(new TableEntity("old-device", "app")
            {
                ["InsertId"] = Guid.NewGuid().ToString("N"),
                ["Platform"] = "debug",
                ["Counter"] = 3L,
                ["FirstSeen"] = now,
                ["LastSeen"] = now,
                ["VerdictSummary"] = "",
                ["Status"] = nameof(DeviceStatus.Active),
                ["StatusVersion"] = 0L,
            });
            return true;
        });

        var read = (await store.FindAsync("app", "old-device"))!;
        Assert.Equal(3, read.Counter);
        Assert.Null(read.AttestedAt);

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryUpdateAsync(read with { Counter = 4 }));
        Assert.Equal(1, losing.ResponsesLost);
        Assert.Equal(4, (await store.FindAsync("app", "old-device"))!.Counter);
    }

    [Fact]
    public async Task AnAppUpdateWhoseResponseWasLostStillCountsAsWritten()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableAppStore(storage);
        await store.TryAddAsync(TableAppStoreTests.FullApp("com.contoso.lost"));
        var read = (await store.FindAsync("com.contoso.lost"))!;

        read.Configuration.FailureMode = "decoy";
        losing.LoseNextWriteResponse();
        Assert.True(await store.TryUpdateAsync(read));

        Assert.Equal(1, losing.ResponsesLost);
        Assert.Equal("decoy", (await store.FindAsync("com.contoso.lost"))!.Configuration.FailureMode);
        read.Configuration.FailureMode = "reject";
        Assert.False(await store.TryUpdateAsync(read));
    }

    [Fact]
    public async Task AnAppInsertWhoseResponseWasLostStillCountsAsWritten()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableAppStore(storage);
        await store.TryAddAsync(TableAppStoreTests.FullApp("com.contoso.warm"));

        losing.LoseNextWriteResponse();
        Assert.True(await store.TryAddAsync(TableAppStoreTests.FullApp("com.contoso.lost")));

        Assert.Equal(1, losing.ResponsesLost);
        Assert.False(await store.TryAddAsync(TableAppStoreTests.FullApp("com.contoso.lost")));
    }

    [Fact]
    public async Task ARevocationEntryWhoseResponsesWereLostIsHeldAsWritten()
    {
        var (storage, losing) = await CreateAsync();
        var log = new TableRevocationLog(storage);
        await log.RecordAsync(new RevocationEntry("app", "warm-up", true, 1));

        // First the insert of the device's row, then the conditional replace that restores it.
        losing.LoseNextWriteResponse();
        var revoked = new RevocationEntry("app", "device", true, 1);
        Assert.Equal(revoked, await log.RecordAsync(revoked));
        losing.LoseNextWriteResponse();
        var restored = new RevocationEntry("app", "device", false, 2);
        Assert.Equal(restored, await log.RecordAsync(restored));

        Assert.Equal(2, losing.ResponsesLost);
        Assert.Equal(restored, await log.FindAsync("app", "device"));
    }

    [Fact]
    public async Task ABatchCertificateCountWhoseTransactionResponseWasLostCountsTheKeyOnce()
    {
        var (storage, losing) = await CreateAsync();
        var store = new TableAndroidBatchCertificateStore(storage);
        var certificate = new Core.Platforms.Android.AndroidBatchCertificate(new string('a', 64), "CN=Lost");
        await store.CountKeyAsync(certificate, "warm-up", DateTimeOffset.UtcNow);

        losing.LoseNextWriteResponse();
        var counted = await store.CountKeyAsync(certificate, "key-lost", DateTimeOffset.UtcNow);

        Assert.Equal(1, losing.ResponsesLost);
        Assert.Equal(new Core.Platforms.Android.AndroidBatchCertificateCount(2, 2), counted);
        Assert.Equal(new Core.Platforms.Android.AndroidBatchCertificateCount(2, 2), await store.CountKeyAsync(certificate, "key-lost", DateTimeOffset.UtcNow));
    }

    private static readonly DateTimeOffset Attested = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static async Task<DeviceRegistration> AddAndReadAsync(TableDeviceStore store, string deviceId)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryAddAsync(new DeviceRegistration("app", deviceId, "debug", null, 0, now, now, "", DeviceStatus.Active, AttestedAt: Attested, AttestedFacts: "facts")));
        return (await store.FindAsync("app", deviceId))!;
    }

    private static async Task<(TableStorage Storage, LoseResponsePolicy Losing)> CreateAsync()
    {
        var losing = new LoseResponsePolicy();
        var options = TableStorage.CreateClientOptions();
        options.AddPolicy(losing, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(await SharedAzurite.GetConnectionStringAsync(), options);
        return (new TableStorage(service, SharedAzurite.NewTablePrefix()), losing);
    }

    /// <summary>Lets one write reach the service, then throws as if the connection dropped before the response arrived.</summary>
    private sealed class LoseResponsePolicy : HttpPipelinePolicy
    {
        private int _armed;
        private int _lost;

        public int ResponsesLost => Volatile.Read(ref _lost);

        public void LoseNextWriteResponse() => Interlocked.Exchange(ref _armed, 1);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            var isWrite = message.Request.Method != RequestMethod.Get;
            if (isWrite && message.Response.Status < 300 && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Interlocked.Increment(ref _lost);
                throw new IOException("Simulated: the connection dropped before the response arrived.");
            }
        }
    }
}
