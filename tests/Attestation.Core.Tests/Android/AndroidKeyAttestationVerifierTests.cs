using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Android;

/// <summary>The platform verifier as the attestation service calls it: evidence shape, device id, refresh proofs.</summary>
public sealed class AndroidKeyAttestationVerifierTests
{
    private const string Challenge = "ZmFrZS1jaGFsbGVuZ2U";

    [Fact]
    public async Task AVerifiedChainGivesTheSha256OfTheAttestedKeyAsDeviceIdAndStoresTheKey()
    {
        var chain = new AndroidTestChain { Challenge = Encoding.UTF8.GetBytes(Challenge) };
        var verifier = AndroidTestKit.Verifier(chain);
        var evidence = verifier.ReadEvidence(AndroidTestKit.Json(chain.Evidence()));

        var verdict = await verifier.VerifyAsync(AndroidTestKit.Policy(), Challenge, evidence);

        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(chain.LeafPublicKey)), verdict.DeviceId);
        Assert.Equal(verdict.DeviceId, evidence.ClaimedDeviceId);
        Assert.Equal(chain.LeafPublicKey, verdict.PublicKey);
        Assert.False(verdict.AllowsReattestation);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"certificateChain": "abc"}""")]
    [InlineData("""{"certificateChain": []}""")]
    [InlineData("""{"certificateChain": [1]}""")]
    [InlineData("""{"certificateChain": ["not base64!"]}""")]
    [InlineData("""{"certificateChain": ["\uD800"]}""")]
    [InlineData("""{"certificateChain": ["AA","AA","AA","AA","AA","AA","AA","AA","AA","AA","AA"]}""")]
    [InlineData("""[]""")]
    public void EvidenceOfTheWrongShapeIsAnInvalidRequest(string json)
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());

        var error = Assert.Throws<AttestationException>(() => verifier.ReadEvidence(System.Text.Json.JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task BytesThatAreNotACertificateAreAttestationInvalid()
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());
        var evidence = verifier.ReadEvidence(AndroidTestKit.Json(new { certificateChain = new[] { "AAAA", "AAAA" } }));

        var error = await Assert.ThrowsAsync<AttestationException>(() => verifier.VerifyAsync(AndroidTestKit.Policy(), Challenge, evidence));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Null(evidence.ClaimedDeviceId);
    }

    [Fact]
    public async Task ARefreshSignedWithTheAttestedEcKeyVerifies()
    {
        var chain = new AndroidTestChain();
        var signature = chain.LeafKey.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var verdict = await Refresh(chain, signature);

        Assert.Equal(0, verdict.Counter);
    }

    [Fact]
    public async Task ARefreshSignedWithTheAttestedRsaKeyVerifies()
    {
        using var rsa = RSA.Create(2048);
        var chain = new AndroidTestChain { RsaLeafKey = rsa };
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        await Refresh(chain, signature);
    }

    [Fact]
    public async Task ARefreshOverAnotherChallengeOrByAnotherKeyIsProofInvalid()
    {
        var chain = new AndroidTestChain();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var overOther = chain.LeafKey.SignData("other"u8.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var byOther = other.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        foreach (var signature in new[] { overOther, byOther, [0x30, 0x00], [0x01] })
        {
            var error = await Assert.ThrowsAsync<AttestationException>(() => Refresh(chain, signature));
            Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
        }
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"signature": 5}""")]
    [InlineData("""{"signature": "%%%"}""")]
    public void AProofOfTheWrongShapeIsAnInvalidRequest(string json)
    {
        var verifier = AndroidTestKit.Verifier(new AndroidTestChain());

        var error = Assert.Throws<AttestationException>(() => verifier.ReadProof(System.Text.Json.JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
    }

    private static Task<Attestation.Core.Platforms.RefreshVerdict> Refresh(AndroidTestChain chain, byte[] signature)
    {
        var verifier = AndroidTestKit.Verifier(chain);
        var registration = new DeviceRegistration("com.contoso.demo", "id", Attestation.Core.Platforms.PlatformNames.AndroidKeyAttestation, chain.LeafPublicKey, 0,
            AndroidTestKit.Now, AndroidTestKit.Now, "android", DeviceStatus.Active);
        var proof = verifier.ReadProof(AndroidTestKit.Json(new { signature = Base64Flexible.ToBase64Url(signature) }));
        return verifier.VerifyAsync(AndroidTestKit.Policy(), registration, Challenge, proof);
    }
}
