using Attestation.Azure.Tables;
using Attestation.Core.Errors;
using Attestation.TestSupport;
using Azure.Core;
using Azure.Data.Tables;

namespace Attestation.Azure.Tests.Tables;

public class TableStorageOutageTests
{
    [Fact]
    public async Task AnUnreachableAccountIsADependencyOutageNotACrash()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var storage = new TableStorage(new TableServiceClient(azurite.ConnectionString, TableStorage.CreateClientOptions()));
        var store = new TableDeviceStore(storage);
        Assert.Null(await store.FindAsync("app", "device"));

        await azurite.StopAsync();
        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.FindAsync("app", "device"));
        Assert.Equal("Table Storage", outage.Dependency);
        Assert.False(await new TableStorageHealthCheck(storage).IsHealthyAsync());

        await azurite.StartAgainAsync();
        Assert.True(await new TableStorageHealthCheck(storage).IsHealthyAsync());
    }

    [Theory]
    [InlineData(TransportFailureKind.Socket)]
    [InlineData(TransportFailureKind.Http)]
    [InlineData(TransportFailureKind.IO)]
    public async Task ABareTransportFailureIsADependencyOutageNotACrash(TransportFailureKind kind)
    {
        // A connection reset can leave the SDK as a bare SocketException, neither wrapped nor retried: it must still be a
        // 503 'unavailable' for the caller, not a 500 'internal_error'.
        var failure = new TransportFailure(kind);
        var options = TableStorage.CreateClientOptions();
        options.AddPolicy(failure, HttpPipelinePosition.PerRetry);
        var storage = new TableStorage(new TableServiceClient(await SharedAzurite.GetConnectionStringAsync(), options), SharedAzurite.NewTablePrefix());

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => new TableDeviceStore(storage).FindAsync("app", "device"));

        Assert.Equal("Table Storage", outage.Dependency);
        Assert.NotNull(outage.InnerException);
        Assert.True(failure.Requests > 0);
        Assert.False(await new TableStorageHealthCheck(storage).IsHealthyAsync());
    }

    [Fact]
    public async Task ATableDeletedAfterFirstUseIsCreatedAgain()
    {
        var connectionString = await SharedAzurite.GetConnectionStringAsync();
        var prefix = SharedAzurite.NewTablePrefix();
        var service = new TableServiceClient(connectionString, TableStorage.CreateClientOptions());
        var store = new TableConsumedTokenStore(new TableStorage(service, prefix));
        Assert.True(await store.TryConsumeAsync("before", DateTimeOffset.UtcNow.AddMinutes(5)));

        await service.DeleteTableAsync(prefix + TableStorage.ConsumedTokensTable);

        Assert.True(await store.TryConsumeAsync("after", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.False(await store.TryConsumeAsync("after", DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task ACancelledCallIsACancellationNotAnOutage()
    {
        var storage = await AzuriteTables.CreateAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        // ThrowsAny: a cancellation may surface as TaskCanceledException, a subtype; the token tells whose cancellation it was.
        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TableDeviceStore(storage).FindAsync("app", "device", cancelled.Token));
        Assert.Equal(cancelled.Token, stopped.CancellationToken);
    }
}
