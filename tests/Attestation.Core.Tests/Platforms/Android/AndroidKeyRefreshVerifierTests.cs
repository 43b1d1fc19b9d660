using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Text;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>The refresh verifier: a signature over the challenge by the key the attestation registered.</summary>
public sealed class AndroidKeyRefreshVerifierTests
{
    private const string Challenge = "ZmFrZS1jaGFsbGVuZ2U";

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
        var error = Assert.Throws<AttestationException>(() => new AndroidKeyRefreshVerifier().ReadProof(JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
    }

    private static Task<RefreshVerdict> Refresh(AndroidTestChain chain, byte[] signature)
    {
        var verifier = new AndroidKeyRefreshVerifier();
        var registration = new DeviceRegistration("com.contoso.demo", "id", PlatformNames.AndroidKeyAttestation, chain.LeafPublicKey, 0,
            AndroidTestKit.Now, AndroidTestKit.Now, "android", DeviceStatus.Active);
        var proof = verifier.ReadProof(AndroidTestKit.Json(new { signature = Base64Flexible.ToBase64Url(signature) }));
        return verifier.VerifyAsync(AndroidTestKit.Policy(), registration, Challenge, proof);
    }
}
