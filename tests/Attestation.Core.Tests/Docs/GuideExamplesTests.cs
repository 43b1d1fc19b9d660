using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Tests.Platforms.Android;
using Attestation.Core.Text;
using Attestation.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Docs;

/// <summary>
/// The mobile guides (docs/ios.md, docs/android.md) promise bytes: their worked examples are read from the markdown and
/// recomputed here with the backend's own rules, and the text challenges of real device evidence are run through the
/// verifiers' string-to-bytes path, so that a guide cannot drift from what the backend accepts.
/// </summary>
public sealed class GuideExamplesTests
{
    private const string RealAppleVector = "apple-appattest-veehaitch-ios-14.4.json";

    private static readonly Lazy<GuideDocument> Ios = new(() => GuideDocument.Load("ios.md"));
    private static readonly Lazy<GuideDocument> Android = new(() => GuideDocument.Load("android.md"));

    [Fact]
    public void TheIosExampleClientDataHashIsTheSha256OfTheChallengesUtf8Bytes()
    {
        var guide = Ios.Value;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(guide.Example("challenge")));

        Assert.Equal(guide.Example("clientDataHash.hex"), Convert.ToHexStringLower(hash));
        Assert.Equal(guide.Example("clientDataHash.base64"), Convert.ToBase64String(hash));
    }

    [Fact]
    public void TheIosRealVectorRowIsTheClientDataHashOfRealIPhoneAttestations()
    {
        var guide = Ios.Value;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(guide.Example("realVector.challenge")));

        Assert.Equal(guide.Example("realVector.clientDataHash.hex"), Convert.ToHexStringLower(hash));
        Assert.Equal(hash, AppleVectors.Load(RealAppleVector).Attestation!.ClientDataHash);
    }

    [Fact]
    public async Task EveryRealIPhoneAttestationOfTheGuidesTextChallengeVerifiesThroughTheBackendsStringPath()
    {
        var challenge = Ios.Value.Example("realVector.challenge");
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(challenge));
        var vectors = AppleVectors.AttestationFiles().Select(AppleVectors.Load)
            .Where(v => v.Attestation!.ClientDataHash.AsSpan().SequenceEqual(expected)).ToList();

        foreach (var vector in vectors)
        {
            var attestation = vector.Attestation!;
            var verifier = new AppleAttestationVerifier(new FakeTimeProvider(attestation.VerifyAt));
            var evidence = new AppleAttestationEvidence(attestation.KeyId, attestation.AttestationObject);

            var verdict = await verifier.VerifyAsync(ApplePolicy(vector.AppId), challenge, evidence);
            var refusal = await Assert.ThrowsAsync<AttestationException>(() => verifier.VerifyAsync(ApplePolicy(vector.AppId), challenge + " ", evidence));

            Assert.Equal(Base64Flexible.ToBase64Url(attestation.KeyId), verdict.DeviceId);
            Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        }

        // The seven iOS 14 attestations of tests/vectors/SOURCES.md were made with this text challenge.
        Assert.Equal(7, vectors.Count);
    }

    [Fact]
    public void TheAndroidExampleAttestationChallengeIsTheChallengesUtf8Bytes()
    {
        var guide = Android.Value;

        Assert.Equal(guide.Example("attestationChallenge.hex"), Convert.ToHexStringLower(Encoding.UTF8.GetBytes(guide.Example("challenge"))));
    }

    [Fact]
    public async Task EveryRealAndroidChainWithATextChallengeVerifiesThroughTheBackendsStringPath()
    {
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var verified = 0;
        foreach (var vector in AndroidVectors.Names.Select(AndroidVectors.Load).Where(v => v.ExpectValid))
        {
            string text;
            try
            {
                text = strict.GetString(vector.Challenge);
            }
            catch (DecoderFallbackException)
            {
                // The Sony chain's challenge is 32 random bytes, not text: no app following the guide makes such a challenge.
                continue;
            }

            var verifier = new AndroidKeyAttestationVerifier(
                new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty), new FakeTimeProvider(vector.VerifyAt));
            var evidence = new AndroidKeyAttestationEvidence(vector.Chain);

            var verdict = await verifier.VerifyAsync(AndroidVectorTests.PolicyFor(vector), text, evidence);
            var refusal = await Assert.ThrowsAsync<AttestationException>(() => verifier.VerifyAsync(AndroidVectorTests.PolicyFor(vector), text + " ", evidence));

            Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
            Assert.NotNull(verdict.PublicKey);
            verified++;
        }

        // Pixel 3 (TEE and StrongBox), Pixel 8a, Pixel 9a (TEE, StrongBox, v500) and Pixel 9 Pro carry text challenges.
        Assert.Equal(7, verified);
    }

    [Fact]
    public void TheAndroidExampleDeviceIdIsTheSha256OfTheKeysSubjectPublicKeyInfo()
    {
        var guide = Android.Value;
        var spki = Convert.FromBase64String(guide.Example("spki.base64"));
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out var read);

        Assert.Equal(spki.Length, read);
        Assert.Equal(256, key.KeySize);
        Assert.Equal(guide.Example("deviceId"), Base64Flexible.ToBase64Url(SHA256.HashData(spki)));
    }

    [Fact]
    public void TheAndroidExampleDeviceKeyRequestHashBindsTheChallengeThenTheSubjectPublicKeyInfo()
    {
        var guide = Android.Value;
        byte[] message = [.. Encoding.UTF8.GetBytes(guide.Example("challenge")), .. Convert.FromBase64String(guide.Example("spki.base64"))];
        var requestHash = guide.Example("deviceKey.requestHash");

        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(message)), requestHash);
        Assert.Equal(43, requestHash.Length);
    }

    [Fact]
    public async Task TheAndroidExampleRefreshSignatureVerifiesWithTheBackendsRefreshVerifierAndOnlyForItsChallenge()
    {
        var guide = Android.Value;
        var challenge = guide.Example("challenge");
        var spki = Convert.FromBase64String(guide.Example("spki.base64"));
        var verifier = new AndroidKeyRefreshVerifier(new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty));
        var registration = new DeviceRegistration("com.contoso.demo", guide.Example("deviceId"), PlatformNames.AndroidKeyAttestation, spki, 0,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "android", DeviceStatus.Active);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(new { signature = guide.Example("refresh.signature") }));
        var proof = verifier.ReadProof(json.RootElement);

        var verdict = await verifier.VerifyAsync(AndroidTestKit.Policy(), registration, challenge, proof);
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => verifier.VerifyAsync(AndroidTestKit.Policy(), registration, challenge + " ", proof));

        Assert.Equal(0, verdict.Counter);
        Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
    }

    [Theory]
    [InlineData("ios.md")]
    [InlineData("android.md")]
    public void EachGuidesBindingIsTheBase64UrlSha256OfTheValuesUtf8Bytes(string file)
    {
        var guide = GuideDocument.Load(file);

        Assert.Equal(guide.Example("binding"), Base64Flexible.ToBase64Url(SHA256.HashData(Encoding.UTF8.GetBytes(guide.Example("binding.value")))));
    }

    [Theory]
    [InlineData("ios.md", "swift", "case \"{0}\":")]
    [InlineData("android.md", "kotlin", "\"{0}\" ->")]
    public void EachGuidesCodeHandlesEveryActionTheBackendAnswers(string file, string language, string armFormat)
    {
        var code = GuideDocument.Load(file).Code(language);

        foreach (var action in Enum.GetValues<AttestationAction>())
        {
            var arm = string.Format(System.Globalization.CultureInfo.InvariantCulture, armFormat, action.ToWireName());
            Assert.True(code.Contains(arm, StringComparison.Ordinal), $"{file} has no `{arm}` in its {language} code.");
        }
    }

    private static AppleAppAttestPolicy ApplePolicy(string appId)
    {
        var parts = appId.Split('.', 2);
        return new AppleAppAttestPolicy { TeamId = parts[0], BundleId = parts[1], AllowDevelopment = true };
    }
}
