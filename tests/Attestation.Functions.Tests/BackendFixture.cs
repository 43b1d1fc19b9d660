namespace Attestation.Functions.Tests;

/// <summary>One running backend shared by the tests of a class.</summary>
public sealed class BackendFixture : IAsyncLifetime
{
    public RunningBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync() => Backend = await RunningBackend.StartAsync();

    public async Task DisposeAsync() => await Backend.DisposeAsync();
}
