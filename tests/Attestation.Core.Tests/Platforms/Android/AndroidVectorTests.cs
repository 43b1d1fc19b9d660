using Attestation.Core.Apps;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>Every real chain of tests/vectors/android-key-* with the outcome tests/vectors/SOURCES.md documents.</summary>
public sealed class AndroidVectorTests
{
    public static TheoryData<string> Vectors() => [.. AndroidVectors.Names];

    // The strict reader refuses the software (version 2) and unordered-tags vectors; their refusals are tested one by one
    // below. The malformed RootOfTrust vector reads (its BER deviceLocked is accepted, docs/quirks.md).
    public static TheoryData<string> ReadableVectors() =>
        [.. AndroidVectors.Names.Where(n => !n.Contains("software-root", StringComparison.Ordinal) && !n.Contains("tags-unordered", StringComparison.Ordinal))];

    public static TheoryData<string> ValidVectors() => [.. AndroidVectors.Names.Where(n => AndroidVectors.Load(n).ExpectValid)];

    [Fact]
    public void EveryDocumentedAndroidVectorIsHere()
    {
        Assert.Equal(11, AndroidVectors.Names.Count);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task EachVectorHasItsDocumentedOutcomeAtItsVerifyAtInstant(string name)
    {
        var vector = AndroidVectors.Load(name);

        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal(vector.ExpectCode, code);
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public async Task EachValidVectorAlsoPassesAtItsStrictInstant(string name)
    {
        var vector = AndroidVectors.Load(name);
        Assert.NotNull(vector.VerifyAtStrict);

        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAtStrict.Value);

        Assert.Equal("ok", code);
    }

    [Theory]
    [MemberData(nameof(ReadableVectors))]
    public async Task EachVectorReadsAsGoogleDecodedIt(string name)
    {
        var vector = AndroidVectors.Load(name);
        var (_, facts) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);
        var description = Assert.IsType<KeyDescription>(facts.Description);

        Assert.Equal(vector.AttestationVersion, description.AttestationVersion);
        Assert.Equal(vector.SecurityLevel, description.AttestationSecurityLevel.ToWireName());
        Assert.Equal(vector.Challenge, description.AttestationChallenge);
        Assert.Equal(vector.VerifiedBootState, description.RootOfTrust!.VerifiedBootState.ToWireName());
        Assert.Equal(vector.DeviceLocked, description.RootOfTrust.DeviceLocked);
        Assert.Equal(vector.OsPatchLevel, (int?)description.OsPatchLevel);
        Assert.Equal(vector.Packages, description.ApplicationId!.Packages.Select(p => p.Name));
        Assert.Equal(vector.SignatureDigestsHex, description.ApplicationId.SignatureDigests.Select(Convert.ToHexStringLower));
    }

    // Where real chains carry the tags the verifier's origin and purpose steps read: every one in the hardware-enforced list,
    // none in softwareEnforced, with one security level for attestation and KeyMint.
    [Theory]
    [MemberData(nameof(ReadableVectors))]
    public void EachReadableVectorCarriesAGeneratedSigningKeyInItsHardwareEnforcedList(string name)
    {
        var vector = AndroidVectors.Load(name);
        var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(vector.Chain[0]);
        var description = KeyDescriptionReader.Read(leaf.Extensions[KeyDescription.Oid]!.RawData);

        Assert.Equal(0, description.HardwareEnforced.Origin);
        Assert.Contains(2, description.HardwareEnforced.Purposes!);
        Assert.Null(description.SoftwareEnforced.Origin);
        Assert.Null(description.SoftwareEnforced.Purposes);
        Assert.Equal(description.AttestationSecurityLevel, description.KeyMintSecurityLevel);
    }

    [Theory]
    [InlineData("android-key-pixel3-sdk28-tee-ec", "google-rsa")]
    [InlineData("android-key-pixel9pro-sdk36-tee-ec-rkp", "google-rsa")]
    [InlineData("android-key-pixel9a-sdk36-tee-ec-ca1root", "google-ec-ca1")]
    [InlineData("android-key-sony-xperia10iii-sdk33-tee-ec", "google-rsa")]
    public async Task TheRootIsRecognisedByItsPinnedKey(string name, string rootKind)
    {
        var vector = AndroidVectors.Load(name);

        var (_, facts) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal(rootKind, facts.RootKind);
    }

    [Theory]
    [InlineData("android-key-pixel9a-sdk36-tee-ec-ca1root")]
    [InlineData("android-key-pixel9pro-sdk36-tee-ec-rkp")]
    [InlineData("android-key-pixel8a-sdk34-tee-ec")]
    public async Task ARemotelyProvisionedChainWithoutItsRootCertificateStillVerifies(string name)
    {
        var vector = AndroidVectors.Load(name);
        var withoutRoot = vector with { Chain = vector.Chain.Take(vector.Chain.Count - 1).ToList() };

        var (code, _) = await VerifyAsync(withoutRoot, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal("ok", code);
    }

    [Fact]
    public async Task TheV500ChainIsRefusedUnderAPolicyThatRequiresVerifiedBoot()
    {
        var vector = AndroidVectors.Load("android-key-pixel9a-sdk37-tee-v500");
        var policy = PolicyFor(vector);
        policy.RequireVerifiedBoot = true;

        var (code, facts) = await VerifyAsync(vector, policy, vector.VerifyAt);

        Assert.Equal("policy_violation", code);
        Assert.Equal(500, facts.Description!.AttestationVersion);
    }

    [Fact]
    public async Task ARealChainIsRefusedWhenGoogleListsTheSerialOfItsBatchCertificate()
    {
        // openssl prints this certificate's serial as 05014131950868983053: the list's key drops the leading zero.
        var vector = AndroidVectors.Load("android-key-pixel3-sdk28-tee-ec");
        var list = AndroidAttestationStatusList.Parse("""{"entries":{"5014131950868983053":{"status":"REVOKED","reason":"KEY_COMPROMISE"}}}"""u8);

        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt, list);

        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public void TheSoftwareRootIsNeverTrusted()
    {
        var vector = AndroidVectors.Load("android-key-pixelxl-sdk29-software-root");
        var chain = vector.Chain.Select(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate).ToList();

        var error = Assert.Throws<AttestationException>(() => new AndroidAttestationChainVerifier().Verify(chain, vector.VerifyAt));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("Google hardware attestation root", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTagsUnorderedVectorFailsOnItsLeafSignatureAndOnItsTagOrder()
    {
        var vector = AndroidVectors.Load("android-key-invalid-tags-unordered");
        var chain = vector.Chain.Select(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate).ToList();

        var chainError = Assert.Throws<AttestationException>(() => new AndroidAttestationChainVerifier().Verify(chain, vector.VerifyAt));
        var readError = Assert.Throws<AttestationException>(() => KeyDescriptionReader.Read(chain[0].Extensions[KeyDescription.Oid]!.RawData));

        Assert.Contains("signature of certificate 0", chainError.Detail, StringComparison.Ordinal);
        Assert.Contains("ascending order", readError.Detail, StringComparison.Ordinal);
        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);
        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public async Task TheBerDeviceLockedOfThePhotosChainIsReadAsTrueAndTheChainVerifies()
    {
        var vector = AndroidVectors.Load("android-key-invalid-malformed-rot");
        var chain = vector.Chain.Select(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate).ToList();

        var verified = new AndroidAttestationChainVerifier().Verify(chain, vector.VerifyAt);
        var description = KeyDescriptionReader.Read(chain[0].Extensions[KeyDescription.Oid]!.RawData);
        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal("google-rsa", verified.RootKind);
        Assert.True(description.RootOfTrust!.DeviceLocked);
        Assert.Equal("ok", code);
    }

    [Fact]
    public async Task TheSonyChainWhoseBatchCertificateIsNotACaIsAccepted()
    {
        var vector = AndroidVectors.Load("android-key-sony-xperia10iii-sdk33-tee-ec");

        var (code, facts) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal("ok", code);
        Assert.Equal(["com.android.vending"], facts.Description!.ApplicationId!.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task AVectorIsRefusedWithAnotherChallenge()
    {
        var vector = AndroidVectors.Load("android-key-pixel9pro-sdk36-tee-ec-rkp");

        var (code, _) = await VerifyAsync(vector with { Challenge = "another challenge"u8.ToArray() }, PolicyFor(vector), vector.VerifyAt);

        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public async Task ARemotelyProvisionedChainIsRefusedAfterItsIntermediatesExpire()
    {
        var vector = AndroidVectors.Load("android-key-pixel9pro-sdk36-tee-ec-rkp");

        var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt.AddDays(30));

        Assert.Equal("attestation_invalid", code);
    }

    [Fact]
    public async Task NoRealVectorIsOnTheSampleStatusList()
    {
        var list = AndroidAttestationStatusList.Parse(File.ReadAllBytes(AndroidVectors.StatusListSamplePath));
        foreach (var name in AndroidVectors.Names.Where(n => AndroidVectors.Load(n).ExpectValid))
        {
            var vector = AndroidVectors.Load(name);
            var (code, _) = await VerifyAsync(vector, PolicyFor(vector), vector.VerifyAt, list);
            Assert.Equal("ok", code);
        }
    }

    /// <summary>The vector's own app identity, without boot or lock requirements: what the evidence itself supports.</summary>
    internal static AndroidKeyAttestationPolicy PolicyFor(AndroidVector vector)
    {
        var policy = new AndroidKeyAttestationPolicy
        {
            PackageName = vector.Packages[0],
            RequireVerifiedBoot = false,
            RequireLockedBootloader = false,
        };
        foreach (var digest in vector.SignatureDigestsHex)
        {
            policy.SigningCertificateDigests.Add(digest);
        }

        return policy;
    }

    [Theory]
    [InlineData("android-key-pixel3-sdk28-tee-ec", false)]
    [InlineData("android-key-sony-xperia10iii-sdk33-tee-ec", false)]
    [InlineData("android-key-pixel9pro-sdk36-tee-ec-rkp", true)]
    public async Task AFactoryChainNamesTheLeafsIssuerAsItsBatchCertificateAndARemotelyProvisionedOneNone(string name, bool remotelyProvisioned)
    {
        var vector = AndroidVectors.Load(name);
        var verifier = new AndroidKeyAttestationVerifier(
            new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty), TimeProvider.System);

        var result = (await verifier.VerifyChainAsync(vector.Chain, vector.Challenge, PolicyFor(vector), vector.VerifyAt)).ResultOrThrow();

        Assert.Equal(remotelyProvisioned, result.Chain.RemotelyProvisioned);
        if (remotelyProvisioned)
        {
            Assert.Null(result.BatchCertificate);
            Assert.Null(result.RegisteredFacts.BatchCertificateSha256);
        }
        else
        {
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(vector.Chain[1]));
            Assert.Equal(sha256, result.BatchCertificate?.Sha256);
            Assert.Equal(sha256, result.RegisteredFacts.BatchCertificateSha256);
            Assert.Equal(sha256, AndroidKeyRegisteredFacts.BatchCertificateSha256Of(result.RegisteredFacts.ToText()));
        }
    }

    [Fact]
    public void FactsStoredBeforeTheBatchCertificateWasKeptStillReadWithoutOne()
    {
        const string Stored = """{"chainSerials":["1"],"securityLevel":"TrustedEnvironment","verifiedBootState":"Verified","deviceLocked":true,"osPatchLevel":202511,"packageNames":["p"],"signatureDigests":[]}""";

        Assert.Null(AndroidKeyRegisteredFacts.FromText(Stored)!.BatchCertificateSha256);
        Assert.Null(AndroidKeyRegisteredFacts.BatchCertificateSha256Of("not json"));
    }

    internal static async Task<(string Code, AndroidKeyAttestationFacts Facts)> VerifyAsync(
        AndroidVector vector, AndroidKeyAttestationPolicy policy, DateTimeOffset at, AndroidAttestationStatusList? statusList = null)
    {
        var verifier = new AndroidKeyAttestationVerifier(
            new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(statusList ?? AndroidAttestationStatusList.Empty), TimeProvider.System);
        var outcome = await verifier.VerifyChainAsync(vector.Chain, vector.Challenge, policy, at);
        return (outcome.IsVerified ? "ok" : outcome.Refusal.Code.ToWireName(), outcome.Facts);
    }
}
