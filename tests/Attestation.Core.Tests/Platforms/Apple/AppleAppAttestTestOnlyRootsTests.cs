using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestTestOnlyRootsTests : IDisposable
{
    private readonly AppAttestTestAuthority _authority = new();

    [Fact]
    public void TheRootsOfTheTestOnlySettingAreReadFromPemOrBase64()
    {
        var roots = AppleAppAttestTestOnlyRoots.Read([_authority.RootPem, Convert.ToBase64String(_authority.RootCertificate.RawData), " "]);

        Assert.Equal(2, roots.Count);
        Assert.All(roots, r => Assert.Equal(_authority.RootCertificate.Thumbprint, r.Thumbprint));
        Assert.Throws<FormatException>(() => AppleAppAttestTestOnlyRoots.Read(["not a certificate"]));
    }

    public void Dispose() => _authority.Dispose();
}
