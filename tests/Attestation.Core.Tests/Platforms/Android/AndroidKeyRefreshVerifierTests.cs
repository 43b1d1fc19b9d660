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
        var error = Assert.Throws<AttestationException>(() => new AndroidKeyRefreshVerifier(new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty)).ReadProof(JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task ARefreshIsAttestationInvalidOnceGoogleListsACertificateOfTheAttestedChain()
    {
        var chain = new AndroidTestChain();
        var facts = await AttestedFactsAsync(chain);
        var listed = Listing(chain.BatchSerial);

        var before = await Refresh(chain, Sign(chain), facts: facts);
        var error = await Assert.ThrowsAsync<AttestationException>(() => Refresh(chain, Sign(chain), facts: facts, statusList: listed));

        Assert.Equal(0, before.Counter);
        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Equal("Certificate 1 of the chain is revoked or suspended by Google.", error.Detail);
    }

    [Fact]
    public async Task ARefreshAppliesTheAppsCurrentPolicyToWhatWasAttested()
    {
        var chain = new AndroidTestChain { OsPatchLevel = 202511, DeviceLocked = false };
        var attestedUnder = AndroidTestKit.Policy();
        attestedUnder.RequireLockedBootloader = false;
        var facts = await AttestedFactsAsync(chain, attestedUnder);
        var newerPatch = AndroidTestKit.Policy();
        newerPatch.RequireLockedBootloader = false;
        newerPatch.MinimumOsPatchLevel = 202601;
        var otherSigner = AndroidTestKit.Policy();
        otherSigner.RequireLockedBootloader = false;
        otherSigner.SigningCertificateDigests.Clear();
        otherSigner.SigningCertificateDigests.Add(new string('a', 64));
        var strongBox = AndroidTestKit.Policy();
        strongBox.RequireLockedBootloader = false;
        strongBox.MinimumSecurityLevel = "strongbox";

        await Refresh(chain, Sign(chain), facts: facts, policy: attestedUnder);
        foreach (var (policy, detail) in new[]
        {
            (AndroidTestKit.Policy(), "The device's bootloader is unlocked."),
            (newerPatch, "The device's OS patch level is older than 202601."),
            (otherSigner, "The app that created the key is not signed with an allowed signing certificate."),
            (strongBox, "The key is kept in TRUSTED_ENVIRONMENT; the app requires STRONG_BOX or better."),
        })
        {
            var error = await Assert.ThrowsAsync<AttestationException>(() => Refresh(chain, Sign(chain), facts: facts, policy: policy));
            Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
            Assert.Equal(detail, error.Detail);
        }
    }

    [Fact]
    public async Task TheReCheckFollowsTheSignatureSoABadProofIsProofInvalidWhateverTheFacts()
    {
        var chain = new AndroidTestChain();
        var facts = await AttestedFactsAsync(chain);
        var strict = AndroidTestKit.Policy();
        strict.MinimumOsPatchLevel = 209912;

        var error = await Assert.ThrowsAsync<AttestationException>(() => Refresh(chain, [0x30, 0x00], facts: facts, policy: strict));

        Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
    }

    [Fact]
    public async Task ARegistrationWithoutStoredFactsIsNotReChecked()
    {
        // Rows written before the facts were stored: the app's maximum registration age bounds them (docs/api.md).
        var chain = new AndroidTestChain();
        var strict = AndroidTestKit.Policy();
        strict.MinimumOsPatchLevel = 209912;
        var listed = Listing(chain.BatchSerial);

        await Refresh(chain, Sign(chain), facts: null, policy: strict, statusList: listed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("""{"chainSerials": ["1"]}""")]
    [InlineData("""{"environment": "production"}""")]
    public async Task StoredFactsThatCannotBeReadAskForANewAttestation(string stored)
    {
        var chain = new AndroidTestChain();

        var error = await Assert.ThrowsAsync<AttestationException>(() => Refresh(chain, Sign(chain), facts: stored));

        Assert.Equal(AttestationErrorCode.AttestationRequired, error.Code);
    }

    [Fact]
    public async Task TheStoredFactsNameEveryCertificateOfTheChainAndWhatThePolicyReads()
    {
        var chain = new AndroidTestChain { OsPatchLevel = 202405, PackageNames = ["com.contoso.demo", "com.contoso.shared"] };

        var facts = AndroidKeyRegisteredFacts.FromText(await AttestedFactsAsync(chain))!;

        Assert.Equal(["1", Convert.ToHexStringLower(chain.BatchSerial).TrimStart('0')], facts.ChainSerials.Take(2));
        Assert.Equal(chain.IncludeRoot ? 4 : 3, facts.ChainSerials.Count);
        Assert.Equal(KeySecurityLevel.TrustedEnvironment, facts.SecurityLevel);
        Assert.Equal(VerifiedBootState.Verified, facts.VerifiedBootState);
        Assert.True(facts.DeviceLocked);
        Assert.Equal(202405, facts.OsPatchLevel);
        Assert.Equal(["com.contoso.demo", "com.contoso.shared"], facts.PackageNames);
        Assert.Equal(AndroidTestChain.DemoSigningDigest, Assert.Single(facts.SignatureDigests));
    }

    /// <summary>Google's list with <paramref name="serial"/> revoked, keyed as Google writes it (lowercase hex, no leading zero).</summary>
    internal static AndroidAttestationStatusList Listing(byte[] serial) => AndroidAttestationStatusList.Parse(JsonSerializer.SerializeToUtf8Bytes(
        new { entries = new Dictionary<string, object> { [Convert.ToHexStringLower(serial).TrimStart('0')] = new { status = "REVOKED", reason = "KEY_COMPROMISE" } } }));

    private static byte[] Sign(AndroidTestChain chain) =>
        chain.LeafKey.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>The facts an attestation of <paramref name="chain"/> stores, through the attestation verifier itself.</summary>
    private static async Task<string> AttestedFactsAsync(AndroidTestChain chain, AndroidKeyAttestationPolicy? policy = null)
    {
        chain.Challenge = Encoding.UTF8.GetBytes(Challenge);
        var verdict = await AndroidTestKit.Verifier(chain).VerifyAsync(policy ?? AndroidTestKit.Policy(), Challenge, new AndroidKeyAttestationEvidence(chain.Build()));
        return Assert.IsType<string>(verdict.AttestedFacts);
    }

    private static Task<RefreshVerdict> Refresh(
        AndroidTestChain chain, byte[] signature, string? facts = null, AndroidKeyAttestationPolicy? policy = null, AndroidAttestationStatusList? statusList = null)
    {
        var verifier = new AndroidKeyRefreshVerifier(new FixedAndroidAttestationStatusSource(statusList ?? AndroidAttestationStatusList.Empty));
        var registration = new DeviceRegistration("com.contoso.demo", "id", PlatformNames.AndroidKeyAttestation, chain.LeafPublicKey, 0,
            AndroidTestKit.Now, AndroidTestKit.Now, "android", DeviceStatus.Active, AttestedFacts: facts);
        var proof = verifier.ReadProof(AndroidTestKit.Json(new { signature = Base64Flexible.ToBase64Url(signature) }));
        return verifier.VerifyAsync(policy ?? AndroidTestKit.Policy(), registration, Challenge, proof);
    }
}
