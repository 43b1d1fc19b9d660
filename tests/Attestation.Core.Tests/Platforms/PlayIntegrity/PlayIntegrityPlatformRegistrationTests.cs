using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public class PlayIntegrityPlatformRegistrationTests
{
    [Fact]
    public void ARefreshIsRefreshUnsupported()
    {
        var platform = PlayIntegrityPlatformRegistration.Create(new PlayIntegrityAttestationVerifier(
            new ConfigurationSecretStore([]), new UnusedDecoder(), TimeProvider.System, NullLogger<PlayIntegrityAttestationVerifier>.Instance));

        Assert.False(platform.SupportsRefresh);
        var refusal = Assert.Throws<AttestationException>(() => platform.ReadProof(JsonDocument.Parse("{}").RootElement));
        Assert.Equal(AttestationErrorCode.RefreshUnsupported, refusal.Code);
    }

    private sealed class UnusedDecoder : IPlayIntegrityDecoder
    {
        public Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("No token is decoded here.");
    }
}
