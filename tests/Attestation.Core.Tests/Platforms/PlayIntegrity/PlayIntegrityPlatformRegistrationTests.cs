using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public class PlayIntegrityPlatformRegistrationTests
{
    [Fact]
    public void OnlyADeviceThatRegisteredAKeyCanRefresh()
    {
        var platform = PlayIntegrityPlatformRegistration.Create(new PlayIntegrityAttestationVerifier(
            new ConfigurationSecretStore([]), new UnusedDecoder(), TimeProvider.System, NullLogger<PlayIntegrityAttestationVerifier>.Instance));
        var keyless = new DeviceRegistration("com.contoso.demo", "id", PlatformNames.PlayIntegrity, null, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "", DeviceStatus.Active);

        Assert.True(platform.SupportsRefresh);
        Assert.False(platform.CanRefresh(keyless));
        Assert.True(platform.CanRefresh(keyless with { PublicKey = [1] }));
        var refusal = Assert.Throws<AttestationException>(() => platform.ReadProof(JsonDocument.Parse("{}").RootElement));
        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    private sealed class UnusedDecoder : IPlayIntegrityDecoder
    {
        public Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("No token is decoded here.");
    }
}
