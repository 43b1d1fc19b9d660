using Attestation.Core.Apps;
using Attestation.Core.Attestations;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// The platform as the backend registers it: options bound from configuration (test roots included), Core's status list
/// cache over whatever fetcher an adapter registers, and the attestation and refresh verifiers behind one platform.
/// </summary>
public sealed class AndroidKeyAttestationPlatformRegistrationTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(AndroidVectors.StatusListSamplePath);

    [Fact]
    public async Task TheRegisteredPlatformAttestsAChainUnderTheConfiguredTestRootAndCanRefresh()
    {
        var chain = new AndroidTestChain();
        using var provider = Provider(chain, new FixedFetcher(Sample));
        var platform = provider.GetRequiredService<AttestationPlatform>();

        var pending = platform.ReadEvidence(AndroidTestKit.Json(chain.Evidence()));
        var verdict = await pending.VerifyAsync(AppPolicy(), "challenge");

        Assert.Equal(PlatformNames.AndroidKeyAttestation, platform.Name);
        Assert.True(platform.SupportsRefresh);
        Assert.Equal(pending.ClaimedDeviceId, verdict.DeviceId);
        Assert.IsType<CachedAndroidAttestationStatusSource>(provider.GetRequiredService<IAndroidAttestationStatusSource>());
    }

    [Fact]
    public async Task TheRegisteredPlatformRefusesAChainOnTheFetchedStatusList()
    {
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("06681152659205225093") };
        using var provider = Provider(chain, new FixedFetcher(Sample));

        var pending = provider.GetRequiredService<AttestationPlatform>().ReadEvidence(AndroidTestKit.Json(chain.Evidence()));
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => pending.VerifyAsync(AppPolicy(), "challenge"));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("revoked", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnyStatusListTheRegisteredPlatformIsUnavailable()
    {
        var chain = new AndroidTestChain();
        using var provider = Provider(chain, new FixedFetcher(null));

        var pending = provider.GetRequiredService<AttestationPlatform>().ReadEvidence(AndroidTestKit.Json(chain.Evidence()));

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => pending.VerifyAsync(AppPolicy(), "challenge"));
    }

    private static AppPolicy AppPolicy() =>
        new("com.contoso.demo", [PlatformNames.AndroidKeyAttestation], FailureMode.Reject, []) { AndroidKey = AndroidTestKit.Policy() };

    private static ServiceProvider Provider(AndroidTestChain chain, IAndroidStatusListFetcher fetcher)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("Attestation:AndroidKey:TestOnlyTrustedRootPublicKeys:0", Convert.ToBase64String(chain.RootKey.ExportSubjectPublicKeyInfo())),
        ]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(AndroidTestKit.Now));
        services.AddSingleton(fetcher);
        services.AddAndroidKeyAttestationPlatform(configuration, production: false);
        return services.BuildServiceProvider();
    }

    /// <summary>A FAKE adapter: the given bytes, or the adapter's failure when there are none.</summary>
    private sealed class FixedFetcher(byte[]? body) : IAndroidStatusListFetcher
    {
        public Task<byte[]> FetchAsync(CancellationToken cancellationToken = default) =>
            body is null
                ? Task.FromException<byte[]>(new DependencyUnavailableException("fake status list", new IOException("unreachable")))
                : Task.FromResult(body);
    }
}
