using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestRootCertificateTests
{
    [Fact]
    public void TheEmbeddedRootIsApplesPinnedRoot()
    {
        using var root = AppleAppAttestRootCertificate.Load();
        using var published = X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "vectors", "apple-appattest-root-ca.pem")));

        Assert.Equal(published.RawData, root.RawData);
        Assert.Contains("CN=Apple App Attestation Root CA", root.Subject, StringComparison.Ordinal);
    }
}
