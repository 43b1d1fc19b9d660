using System.Net;
using System.Net.Sockets;
using Attestation.Azure.Tables;
using Attestation.TestSupport;
using global::Azure;
using global::Azure.Data.Tables;

namespace Attestation.Azure.Tests;

/// <summary>
/// The Azurite the outage tests stop and restart (issue 15, finding 8): its port is held across a stop, so nothing else
/// can take it before the restart, and a start whose chosen port is taken tries another instead of failing.
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task ThePortIsKeptWhileStoppedAndTheRestartedServiceAnswersOnIt()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString, TableStorage.CreateClientOptions());
        await tables.CreateTableIfNotExistsAsync("beforestop");

        await azurite.StopAsync();

        var other = new TcpListener(IPAddress.Loopback, azurite.Port);
        var taken = Assert.Throws<SocketException>(other.Start);
        Assert.Equal(SocketError.AddressAlreadyInUse, taken.SocketErrorCode);
        // Every try of the client's retry policy fails at the transport, as against a dead process.
        var refused = await Assert.ThrowsAsync<AggregateException>(() => tables.CreateTableIfNotExistsAsync("duringstop"));
        Assert.All(refused.InnerExceptions, failure => Assert.Equal(0, Assert.IsType<RequestFailedException>(failure).Status));

        await azurite.StartAgainAsync();

        await tables.CreateTableIfNotExistsAsync("afterstart");
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        // A restart begins with empty storage.
        Assert.Equal(["afterstart"], names);
    }

    [Fact]
    public async Task AnInterruptionCutsConnectionsButKeepsTheData()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString, TableStorage.CreateClientOptions());
        await tables.CreateTableIfNotExistsAsync("kept");

        azurite.Interrupt();
        await Assert.ThrowsAsync<AggregateException>(() => tables.CreateTableIfNotExistsAsync("duringinterruption"));
        azurite.Resume();

        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        Assert.Equal(["kept"], names);
    }

    [Fact]
    public async Task AStartWhoseChosenPortIsTakenTriesAnother()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var ports = new Queue<int>([((IPEndPoint)squatter.LocalEndpoint).Port]);
        var chosen = 0;

        await using var azurite = await AzuriteProcess.StartAsync(() =>
        {
            chosen++;
            if (ports.TryDequeue(out var port))
            {
                return port;
            }

            using var free = new TcpListener(IPAddress.Loopback, 0);
            free.Start();
            return ((IPEndPoint)free.LocalEndpoint).Port;
        });

        Assert.Equal(2, chosen);
        await new TableServiceClient(azurite.ConnectionString, TableStorage.CreateClientOptions()).CreateTableIfNotExistsAsync("started");
    }
}
