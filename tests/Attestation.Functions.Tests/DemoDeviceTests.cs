using System.Net;
using System.Net.Sockets;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests;

/// <summary>
/// Issue 15, finding 7: tools/Attestation.DemoDevice, run as a separate process as the README tells a developer to run
/// it, against the local host (challenge, attest, verify, refresh, single-use verify twice).
/// </summary>
public sealed class DemoDeviceTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TheDemoDeviceWalksTheWholeFlowAgainstTheLocalHostAndExitsZero()
    {
        await using var backend = await RunningBackend.StartAsync();

        await using var demo = await RunDemoAsync("--url", backend.Address.ToString(), "--verify-key", RunningBackend.VerifyKey);

        Assert.True(demo.ExitCode == 0, demo.Output);
        string[] steps = ["1. challenge", "2. attest", "3. verify", "4. refresh", "5. verify the refreshed token as single use, twice"];
        Assert.All(steps, step => Assert.Contains(step, demo.StandardOutput, StringComparison.Ordinal));
        Assert.Contains("ok: the attested token verifies", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ok: the first consuming verify is valid", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ok: the second is already_consumed", demo.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("The full flow completed.", demo.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", demo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheVerifyKeyTheDemoStopsAtVerifyAndExitsOne()
    {
        await using var backend = await RunningBackend.StartAsync();

        await using var demo = await RunDemoAsync("--url", backend.Address.ToString());

        Assert.Equal(1, demo.ExitCode);
        Assert.Contains("2. attest", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("401", demo.Output, StringComparison.Ordinal);
        Assert.Contains("unauthenticated", demo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("4. refresh", demo.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgainstNoBackendTheDemoSaysHowToStartOneAndExitsTwo()
    {
        // A port nothing listens on: bound, read, released.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var demo = await RunDemoAsync("--url", $"http://127.0.0.1:{port}");

        Assert.Equal(2, demo.ExitCode);
        Assert.Contains("Start it with scripts/run-local.sh", demo.Output, StringComparison.Ordinal);
    }

    private static Task<ChildProcess> RunDemoAsync(params string[] arguments) =>
        ChildProcess.RunAsync(ChildProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, "Attestation.DemoDevice.dll"), .. arguments], RunTimeout);
}
