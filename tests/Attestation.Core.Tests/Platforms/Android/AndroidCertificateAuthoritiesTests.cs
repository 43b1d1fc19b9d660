using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// Chains whose CA certificates were kept from an earlier verification: the answers are those of a first verification,
/// dates are still checked at each instant, and the status list still applies to kept certificates.
/// </summary>
public sealed class AndroidCertificateAuthoritiesTests
{
    private const string RemotelyProvisioned = "android-key-pixel9a-sdk36-tee-ec-ca1root";

    [Fact]
    public async Task AChainIsRefusedOnceItsKeptIntermediateHasExpired()
    {
        var vector = AndroidVectors.Load(RemotelyProvisioned);
        var policy = AndroidVectorTests.PolicyFor(vector);
        Assert.Equal("ok", (await AndroidVectorTests.VerifyAsync(vector, policy, vector.VerifyAt)).Code);

        // The intermediates of this remotely provisioned chain end on 2026-03-08T00:26:00Z.
        var (code, _) = await AndroidVectorTests.VerifyAsync(vector, policy, new DateTimeOffset(2026, 3, 8, 0, 27, 0, TimeSpan.Zero));

        Assert.Equal("attestation_invalid", code);
        Assert.Equal("ok", (await AndroidVectorTests.VerifyAsync(vector, policy, vector.VerifyAt)).Code);
    }

    [Fact]
    public async Task AChainIsRefusedBeforeItsKeptIntermediateIsValid()
    {
        var vector = AndroidVectors.Load(RemotelyProvisioned);
        var policy = AndroidVectorTests.PolicyFor(vector);
        Assert.Equal("ok", (await AndroidVectorTests.VerifyAsync(vector, policy, vector.VerifyAt)).Code);

        // The first of its certificates starts on 2026-02-22T00:06:17Z.
        var (code, _) = await AndroidVectorTests.VerifyAsync(vector, policy, new DateTimeOffset(2026, 2, 22, 0, 5, 0, TimeSpan.Zero));

        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public async Task AKeptCertificateListedByGoogleIsRefused()
    {
        var vector = AndroidVectors.Load(RemotelyProvisioned);
        var policy = AndroidVectorTests.PolicyFor(vector);
        Assert.Equal("ok", (await AndroidVectorTests.VerifyAsync(vector, policy, vector.VerifyAt)).Code);
        using var intermediate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(vector.Chain[1]);
        var serial = AndroidAttestationStatusList.SerialKey(intermediate);
        var list = AndroidAttestationStatusList.Parse(System.Text.Encoding.UTF8.GetBytes("{\"entries\": {\"" + serial + "\": {\"status\": \"REVOKED\"}}}"));

        var (code, _) = await AndroidVectorTests.VerifyAsync(vector, policy, vector.VerifyAt, list);

        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public async Task ManyConcurrentVerificationsOfRealChainsEachGetTheirDocumentedOutcome()
    {
        var vectors = AndroidVectors.Names.Select(AndroidVectors.Load).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var vector = vectors[i % vectors.Length];
            var (code, _) = await AndroidVectorTests.VerifyAsync(vector, AndroidVectorTests.PolicyFor(vector), vector.VerifyAt);
            return code == vector.ExpectCode;
        })));

        Assert.All(results, Assert.True);
    }
}
