using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// Step 1 with the intermediate remembered by its bytes: the answer is the one a first check gives, dates are compared with
/// the instant on every call, and only the exact bytes once verified are remembered.
/// </summary>
public sealed class AppAttestCertificateChainTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new("Chain Cache");
    private readonly AppAttestTestDevice _device = new();
    private readonly AppleAttestationVerifier _verifier;

    public AppAttestCertificateChainTests()
    {
        _verifier = new AppleAttestationVerifier(TimeProvider.System, [_authority.RootCertificate]);
    }

    [Fact]
    public void ASecondAttestationUnderTheSameIntermediateVerifiesAsTheFirst()
    {
        var first = Verify(_authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now)), Now);
        using var other = new AppAttestTestDevice();
        var second = _verifier.VerifyAttestation(_authority.Attest(other, new AttestationShape(AppId, ClientDataHash, Now)), other.KeyId, AppId, true, ClientDataHash, Now);

        Assert.Equal(_device.KeyId, first.KeyId);
        Assert.Equal(other.KeyId, second.KeyId);
    }

    [Fact]
    public void ARememberedIntermediateIsRefusedOnceItHasExpired()
    {
        Verify(_authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now)), Now);

        // The intermediate ends on 2044-12-31, the root on 2045-01-01; this leaf is valid from 2044-12-31 to 2045-01-03.
        var late = new DateTimeOffset(2044, 12, 31, 12, 0, 0, TimeSpan.Zero);
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, late.AddHours(12)));

        var error = Assert.Throws<AttestationException>(() => Verify(attestation, late));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("NotTimeValid", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ARememberedIntermediateIsRefusedBeforeItIsValid()
    {
        Verify(_authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now)), Now);

        // The intermediate and the root start on 2020-01-01; this leaf is valid from 2019-12-31 to 2020-01-03.
        var early = new DateTimeOffset(2019, 12, 31, 18, 0, 0, TimeSpan.Zero);
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, early.AddHours(6)));

        var error = Assert.Throws<AttestationException>(() => Verify(attestation, early));

        Assert.Contains("NotTimeValid", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIntermediateWithTheSameNameAndKeyButOtherBytesIsNotTakenForTheRememberedOne()
    {
        Verify(_authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now)), Now);

        // The same subject and key as the genuine intermediate, and the trusted root's name as issuer, but signed by another key.
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var genuine = _authority.IntermediateCertificate;
        var request = new CertificateRequest(genuine.SubjectName, genuine.PublicKey, HashAlgorithmName.SHA384);
        foreach (var extension in genuine.Extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var forged = request.Create(_authority.RootCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(forger), genuine.NotBefore, genuine.NotAfter, [9, 9]);
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now) { Intermediate = forged.RawData });

        var error = Assert.Throws<AttestationException>(() => Verify(attestation, Now));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("UntrustedRoot", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIntermediateRememberedUnderATestRootIsNotTrustedByAVerifierThatTrustsOnlyApple()
    {
        var attestation = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now));
        Verify(attestation, Now);

        var error = Assert.Throws<AttestationException>(() =>
            new AppleAttestationVerifier(TimeProvider.System).VerifyAttestation(attestation, _device.KeyId, AppId, true, ClientDataHash, Now));

        Assert.Contains("certificate chain", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentAttestationsUnderOneIntermediateAllGetTheirOwnAnswer()
    {
        var devices = Enumerable.Range(0, 8).Select(_ => new AppAttestTestDevice()).ToArray();
        try
        {
            var attestations = devices.Select(d => _authority.Attest(d, new AttestationShape(AppId, ClientDataHash, Now))).ToArray();
            var forged = devices.Select(d => _authority.Attest(d, new AttestationShape(AppId, ClientDataHash, Now) { SignLeafWith = d.Key })).ToArray();

            var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            {
                var device = devices[i % devices.Length];
                var valid = _verifier.VerifyAttestation(attestations[i % devices.Length], device.KeyId, AppId, true, ClientDataHash, Now).KeyId.AsSpan().SequenceEqual(device.KeyId);
                var refused = Assert.Throws<AttestationException>(() => _verifier.VerifyAttestation(forged[i % devices.Length], device.KeyId, AppId, true, ClientDataHash, Now));
                return valid && refused.Detail.Contains("NotSignatureValid", StringComparison.Ordinal);
            })));

            Assert.All(results, Assert.True);
        }
        finally
        {
            foreach (var device in devices)
            {
                device.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }

    private AppleAttestationResult Verify(byte[] attestation, DateTimeOffset at) =>
        _verifier.VerifyAttestation(attestation, _device.KeyId, AppId, true, ClientDataHash, at);
}
