using System.Security.Cryptography;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Platforms;

/// <summary>
/// A backend that trusts one generated TEST root beside Google's (through the test-only setting) and reads the sample
/// status list from tests/vectors instead of Google's endpoint: no internet is needed.
/// </summary>
public sealed class AndroidBackendFixture : IAsyncLifetime
{
    public ECDsa TestRootKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public RunningBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync() => Backend = await RunningBackend.StartAsync(settings:
    [
        $"--Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0={Convert.ToBase64String(TestRootKey.ExportSubjectPublicKeyInfo())}",
        $"--Attestation:AndroidKey:StatusListFile={AndroidVectors.StatusListSamplePath}",
    ]);

    public async Task DisposeAsync()
    {
        await Backend.DisposeAsync();
        TestRootKey.Dispose();
    }
}
