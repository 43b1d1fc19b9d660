using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Text;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

/// <summary>The refresh of a Play Integrity device that attested with a deviceKey: a signature, then the app's current policy.</summary>
public sealed class PlayIntegrityRefreshVerifierTests : IDisposable
{
    private const string Package = "com.contoso.demo";
    private const string Challenge = "ZmFrZS1jaGFsbGVuZ2U";
    private static readonly string Digest = Base64Flexible.ToBase64Url(SHA256.HashData("demo signing certificate"u8));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly PlayIntegrityRefreshVerifier _verifier = new();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task ASignatureOverTheChallengeByTheRegisteredEcKeyVerifies()
    {
        var verdict = await _verifier.VerifyAsync(Policy(), Registration(_key.ExportSubjectPublicKeyInfo()), Challenge, Proof(SignEc(_key, Challenge)));

        Assert.Equal(0, verdict.Counter);
    }

    [Fact]
    public async Task ASignatureByTheRegisteredRsaKeyVerifies()
    {
        using var rsa = RSA.Create(2048);
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        await _verifier.VerifyAsync(Policy(), Registration(rsa.ExportSubjectPublicKeyInfo()), Challenge, Proof(signature));
    }

    [Fact]
    public async Task ASignatureByAnotherKeyOrOverAnotherChallengeIsProofInvalid()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var registration = Registration(_key.ExportSubjectPublicKeyInfo());

        foreach (var signature in new[] { SignEc(other, Challenge), SignEc(_key, "another challenge"), [0x30, 0x00] })
        {
            var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy(), registration, Challenge, Proof(signature)));
            Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
        }
    }

    [Fact]
    public async Task TheAppsCurrentPolicyIsAppliedToTheStoredVerdict()
    {
        var registration = Registration(_key.ExportSubjectPublicKeyInfo());
        var stricter = new Action<PlayIntegrityPolicy>[]
        {
            p => p.MinimumDeviceVerdict = "strong",
            p => { p.SigningCertificateDigests.Clear(); p.SigningCertificateDigests.Add(Base64Flexible.ToBase64Url(new byte[32])); },
            p => p.PackageName = "com.contoso.other",
            p => p.RequireLicensed = true,
        };

        var unlicensed = registration with { AttestedFacts = Facts(licensing: "UNLICENSED") };
        await _verifier.VerifyAsync(Policy(), unlicensed, Challenge, Proof(SignEc(_key, Challenge)));

        foreach (var change in stricter)
        {
            var refusal = await Assert.ThrowsAsync<AttestationException>(() =>
                _verifier.VerifyAsync(Policy(change), unlicensed, Challenge, Proof(SignEc(_key, Challenge))));
            Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
        }
    }

    [Fact]
    public async Task ABadSignatureIsRefusedBeforeThePolicySaysAnything()
    {
        // Only the key's holder learns what the policy now thinks of the device.
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var refusal = await Assert.ThrowsAsync<AttestationException>(() =>
            _verifier.VerifyAsync(Policy(p => p.MinimumDeviceVerdict = "strong"), Registration(_key.ExportSubjectPublicKeyInfo()), Challenge, Proof(SignEc(other, Challenge))));

        Assert.Equal(AttestationErrorCode.ProofInvalid, refusal.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not json")]
    [InlineData("""{"requestPackageName": "com.contoso.demo"}""")]
    public async Task MissingOrUnreadableFactsAreAttestationRequired(string? facts)
    {
        var registration = Registration(_key.ExportSubjectPublicKeyInfo()) with { AttestedFacts = facts };

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy(), registration, Challenge, Proof(SignEc(_key, Challenge))));

        Assert.Equal(AttestationErrorCode.AttestationRequired, refusal.Code);
    }

    [Fact]
    public async Task ADeviceWithoutAKeyCannotRefresh()
    {
        var keyless = Registration(_key.ExportSubjectPublicKeyInfo()) with { PublicKey = null, AttestedFacts = null };

        Assert.False(_verifier.CanRefresh(keyless));
        Assert.True(_verifier.CanRefresh(Registration(_key.ExportSubjectPublicKeyInfo())));
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => _verifier.VerifyAsync(Policy(), keyless, Challenge, Proof(SignEc(_key, Challenge))));
        Assert.Equal(AttestationErrorCode.RefreshUnsupported, refusal.Code);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"signature": 5}""")]
    [InlineData("""{"signature": "%%%"}""")]
    [InlineData("""{"assertion": "AAAA"}""")]
    public void AProofOfTheWrongShapeIsAnInvalidRequest(string json)
    {
        var refusal = Assert.Throws<AttestationException>(() => _verifier.ReadProof(JsonDocument.Parse(json).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    private static DeviceRegistration Registration(byte[] publicKey)
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        return new DeviceRegistration(
            Package, Base64Flexible.ToBase64Url(SHA256.HashData(publicKey)), PlatformNames.PlayIntegrity, publicKey, 0, now, now,
            "play-integrity classic with device key", DeviceStatus.Active, AttestedAt: now, AttestedFacts: Facts());
    }

    private static string Facts(string licensing = "LICENSED") =>
        new PlayIntegrityRegisteredFacts(Package, Package, [Digest], "PLAY_RECOGNIZED", ["MEETS_DEVICE_INTEGRITY"], licensing).ToText();

    private static ChallengeSignatureProof Proof(byte[] signature) =>
        ChallengeSignatureProof.Read(JsonSerializer.SerializeToElement(new { signature = Convert.ToBase64String(signature) }));

    private static byte[] SignEc(ECDsa key, string challenge) =>
        key.SignData(Encoding.UTF8.GetBytes(challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private static PlayIntegrityPolicy Policy(Action<PlayIntegrityPolicy>? change = null)
    {
        var section = new PlayIntegrityPolicy { PackageName = Package, DecryptionKeySecretName = "d", VerificationKeySecretName = "v" };
        section.SigningCertificateDigests.Add(Digest);
        change?.Invoke(section);
        return section;
    }
}
