using Attestation.Azure.Tables;
using Attestation.Core.Devices;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

/// <summary>
/// The SDK retries a write whose response was lost. The retried insert then meets its own row (409) and the retried
/// conditional update its own change (412): each store must recognise its own write, not report someone else's.
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
