using System.Security.Cryptography;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

public sealed class AppleAppAttestFactsReaderTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();

    [Fact]
    public void TheFactsOfARealAttestationAreItsKeyEnvironmentCounterAndKey()
    {
        var attestation = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json").Attestation!;

        var facts = AppleAppAttestFactsReader.ReadAttestation(attestation.AttestationObject);

        Assert.Equal(attestation.KeyId, facts.KeyId);
        Assert.Equal(AppAttestEnvironment.Production, facts.Environment);
        Assert.Equal(0, facts.Counter);
        Assert.Equal(AppleVectors.SpkiFromPem(attestation.PublicKeyPem), facts.PublicKey);
    }

    [Fact]
    public void AnAttestationIsReadWhateverItsVerdict()
    {
        // Signed by an authority nobody trusts, for another App ID, with a counter of 5: every fact is still shown.
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now) { RpIdAppId = "ZYXWV98765.other", Counter = 5 });

        var facts = AppleAppAttestFactsReader.ReadAttestation(attestation);

        Assert.Equal(_device.KeyId, facts.KeyId);
        Assert.Equal(AppAttestEnvironment.Development, facts.Environment);
        Assert.Equal(5, facts.Counter);
        Assert.Equal(_device.SubjectPublicKeyInfo, facts.PublicKey);
    }

    [Fact]
    public void WithoutAReadableCertificateTheKeyIdIsTheCredentialId()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now) { CertifiedKey = other });

        var facts = AppleAppAttestFactsReader.ReadAttestation(attestation);

        Assert.Equal(_device.KeyId, facts.KeyId);
        Assert.Null(facts.PublicKey);
    }

    [Fact]
    public void BytesThatAreNotAnAttestationObjectHaveNoFacts() =>
        Assert.Equal(new AppleAttestationFacts(null, null, null, null), AppleAppAttestFactsReader.ReadAttestation([0xff, 0x00, 0x12]));

    [Fact]
    public void TheFactOfAnAssertionIsItsCounter() =>
        Assert.Equal(new AppleAssertionFacts(9), AppleAppAttestFactsReader.ReadAssertion(AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 9)));

    [Fact]
    public void BytesThatAreNotAnAssertionHaveNoCounter() =>
        Assert.Null(AppleAppAttestFactsReader.ReadAssertion([0xa2, 0x01]).Counter);

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }
}
