using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using Attestation.Core.Text;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public sealed class PlayIntegrityAttestationVerifierTests : IDisposable
{
    private const string Package = "com.contoso.demo";
    private const string Challenge = "q4Ht4Ue9JYuEHY3Yjb5GwL8Yz8w1m7cM1mR0Xe1gJ1Q";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Digest = Base64Flexible.ToBase64Url(SHA256.HashData("demo signing certificate"u8));

    private readonly PlayIntegrityTokenFactory _factory = new();
    private readonly CountingDecoder _decoder = new();
    private readonly Dictionary<string, string?> _secrets;

    public PlayIntegrityAttestationVerifierTests()
    {
        _secrets = new()
        {
            ["pi-decryption"] = _factory.DecryptionKeyBase64,
            ["pi-verification"] = _factory.VerificationKeyBase64,
            ["pi-service-account"] = "{}",
        };
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AGenuineClassicTokenForTheChallengeAttestsAsANewRandomDevice()
    {
        var verifier = Verifier();
        var first = await verifier.VerifyAsync(Policy(), Challenge, Evidence(Token()));
        var second = await verifier.VerifyAsync(Policy(), Challenge, Evidence(Token()));

        Assert.NotEqual(first.DeviceId, second.DeviceId);
        Assert.Equal(32, Convert.FromBase64String(first.DeviceId.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Null(first.PublicKey);
        Assert.False(first.AllowsReattestation);
        Assert.Contains("PLAY_RECOGNIZED", first.VerdictSummary, StringComparison.Ordinal);
        Assert.Equal(0, _decoder.Calls);
    }

    [Fact]
    public async Task AVerdictForAnotherSigningCertificateIsAPolicyViolation()
    {
        var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, Challenge, Now, Base64Flexible.ToBase64Url(new byte[32])));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), Challenge, Evidence(token)));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
        Assert.Contains("signed", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVerdictForAnotherChallengeIsAttestationInvalid()
    {
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), "another-challenge", Evidence(Token())));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    [Fact]
    public async Task ADeviceBelowTheRequiredLevelIsAPolicyViolation()
    {
        var policy = Policy(p => p.MinimumDeviceVerdict = "strong");

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(policy, Challenge, Evidence(Token())));

        Assert.Equal(AttestationErrorCode.PolicyViolation, refusal.Code);
        Assert.Contains("MEETS_STRONG_INTEGRITY", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfiguredAppRecognitionVerdictIsAccepted()
    {
        var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, Challenge, Now, Digest, appRecognition: "UNRECOGNIZED_VERSION"));
        var policy = Policy(p => p.AllowedAppRecognitionVerdicts.Add("UNRECOGNIZED_VERSION"));

        await Verifier().VerifyAsync(policy, Challenge, Evidence(token));
        await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), Challenge, Evidence(token)));
    }

    [Fact]
    public async Task AStandardAppSendsTheTokenToGoogleOnceAndBindsThroughTheRequestHash()
    {
        _decoder.Verdict = PlayIntegrityTokenFactory.Verdict(Package, nonce: null, Now, Digest, requestHash: Challenge).ToJsonString();
        var policy = Policy(p => { p.Mode = "standard"; p.ServiceAccountSecretName = "pi-service-account"; });

        await Verifier().VerifyAsync(policy, Challenge, Evidence("standard-token-from-play.part_two-" + new string('x', 40)));

        Assert.Equal(1, _decoder.Calls);
        Assert.Equal(Package, _decoder.LastPackage);
        Assert.Equal("{}", _decoder.LastServiceAccount);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it, which no token has")]
    [InlineData("a+b/c=d+e/f=g+h/i=j+k/l=m")]
    [InlineData("................")]
    [InlineData("................................................................")]
    [InlineData(".AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA.")]
    [InlineData("A.A.A.A.A.A.A.A.A.A.A.A.A.A.A")]
    public async Task AnObviouslyMalformedStandardTokenNeverReachesGoogle(string token)
    {
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(p => { p.Mode = "standard"; p.ServiceAccountSecretName = "pi-service-account"; }), Challenge, Evidence(token)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Equal(0, _decoder.Calls);
    }

    [Fact]
    public async Task BothModesSendAJweToTheLocalCheckAndAnythingElseToGoogle()
    {
        _decoder.Verdict = PlayIntegrityTokenFactory.Verdict(Package, nonce: null, Now, Digest, requestHash: Challenge).ToJsonString();
        var policy = Policy(p => { p.Mode = "both"; p.ServiceAccountSecretName = "pi-service-account"; });

        await Verifier().VerifyAsync(policy, Challenge, Evidence(Token()));
        Assert.Equal(0, _decoder.Calls);

        await Verifier().VerifyAsync(policy, Challenge, Evidence("standard-token-from-play.part_two-" + new string('x', 40)));
        Assert.Equal(1, _decoder.Calls);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"integrityToken": 5}""")]
    [InlineData("""{"integrityToken": ""}""")]
    [InlineData("""[]""")]
    public void AnEvidenceWithoutATokenIsAnInvalidRequest(string evidence)
    {
        var refusal = Assert.Throws<AttestationException>(() => Verifier().ReadEvidence(JsonDocument.Parse(evidence).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public async Task AClassicTokenBoundToTheDeviceKeyAttestsTheKeysDevice()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, PlayIntegrityTokenFactory.DeviceKeyBinding(Challenge, spki), Now, Digest));

        var verdict = await Verifier().VerifyAsync(Policy(), Challenge, Evidence(token, spki));

        Assert.Equal(Base64Flexible.ToBase64Url(SHA256.HashData(spki)), verdict.DeviceId);
        Assert.Equal(spki, verdict.PublicKey);
        Assert.True(verdict.AllowsReattestation);
        var facts = PlayIntegrityRegisteredFacts.FromText(verdict.AttestedFacts)!;
        Assert.Equal(Package, facts.RequestPackageName);
        Assert.Equal([Digest], facts.CertificateSha256Digests);
        Assert.Equal(DeviceIntegrityLevel.Device, facts.DeviceLevel);
        Assert.Equal(0, _decoder.Calls);
    }

    [Fact]
    public async Task AStandardTokenBoundToTheDeviceKeyIsDecodedOnce()
    {
        using var key = RSA.Create(2048);
        var spki = key.ExportSubjectPublicKeyInfo();
        _decoder.Verdict = PlayIntegrityTokenFactory.Verdict(Package, nonce: null, Now, Digest, requestHash: PlayIntegrityTokenFactory.DeviceKeyBinding(Challenge, spki)).ToJsonString();
        var policy = Policy(p => { p.Mode = "standard"; p.ServiceAccountSecretName = "pi-service-account"; });

        var verdict = await Verifier().VerifyAsync(policy, Challenge, Evidence("standard-token-from-play.part_two-" + new string('x', 40), spki));

        Assert.Equal(spki, verdict.PublicKey);
        Assert.Equal(1, _decoder.Calls);
    }

    [Fact]
    public async Task WithADeviceKeyAVerdictForTheBareChallengeIsAttestationInvalid()
    {
        // No fallback: a token that never saw the key cannot be upgraded to vouch for it.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), Challenge, Evidence(Token(), key.ExportSubjectPublicKeyInfo())));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Contains("nonce", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithADeviceKeyAHashOverAnotherKeyOrAnotherOrderIsAttestationInvalid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var hashes = new[]
        {
            PlayIntegrityTokenFactory.DeviceKeyBinding(Challenge, other.ExportSubjectPublicKeyInfo()),
            Base64Flexible.ToBase64Url(SHA256.HashData([.. spki, .. System.Text.Encoding.UTF8.GetBytes(Challenge)])),
            Base64Flexible.ToBase64Url(SHA256.HashData(spki)),
        };

        foreach (var hash in hashes)
        {
            var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, hash, Now, Digest));
            var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), Challenge, Evidence(token, spki)));
            Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        }
    }

    [Fact]
    public async Task WithoutADeviceKeyAVerdictForTheKeyBindingIsAttestationInvalid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, PlayIntegrityTokenFactory.DeviceKeyBinding(Challenge, key.ExportSubjectPublicKeyInfo()), Now, Digest));

        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Verifier().VerifyAsync(Policy(), Challenge, Evidence(token)));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
    }

    [Theory]
    [InlineData("""{"integrityToken": "t", "deviceKey": 5}""")]
    [InlineData("""{"integrityToken": "t", "deviceKey": ""}""")]
    [InlineData("""{"integrityToken": "t", "deviceKey": "AAAA"}""")]
    [InlineData("""{"integrityToken": "t", "deviceKey": {}}""")]
    [InlineData("""{"integrityToken": "t", "deviceKey": "\uD800"}""")]
    public void AMalformedDeviceKeyIsAnInvalidRequest(string evidence)
    {
        var refusal = Assert.Throws<AttestationException>(() => Verifier().ReadEvidence(JsonDocument.Parse(evidence).RootElement));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public void AnOversizedDeviceKeyIsAnInvalidRequest()
    {
        // Longer than any accepted key (an RSA-4096 SPKI is 736 characters): refused before it is decoded.
        var evidence = JsonSerializer.SerializeToElement(new { integrityToken = "t", deviceKey = Convert.ToBase64String(new byte[PlayIntegrityDeviceKey.MaxTextLength]) });

        var refusal = Assert.Throws<AttestationException>(() => Verifier().ReadEvidence(evidence));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refusal.Code);
    }

    [Fact]
    public void ANullDeviceKeyIsAKeylessAttestation()
    {
        var evidence = Verifier().ReadEvidence(JsonDocument.Parse("""{"integrityToken": "t", "deviceKey": null}""").RootElement);

        Assert.Null(evidence.DeviceKey);
        Assert.Null(evidence.ClaimedDeviceId);
    }

    private PlayIntegrityAttestationVerifier Verifier() =>
        new(new ConfigurationSecretStore(_secrets), _decoder, new FakeTimeProvider(Now), NullLogger<PlayIntegrityAttestationVerifier>.Instance);

    private string Token() => _factory.CreateToken(PlayIntegrityTokenFactory.Verdict(Package, Challenge, Now.AddSeconds(-20), Digest));

    private static PlayIntegrityEvidence Evidence(string token, byte[]? deviceKey = null) =>
        new PlayIntegrityAttestationVerifier(new ConfigurationSecretStore([]), new CountingDecoder(), TimeProvider.System, NullLogger<PlayIntegrityAttestationVerifier>.Instance)
            .ReadEvidence(deviceKey is null
                ? JsonSerializer.SerializeToElement(new { integrityToken = token })
                : JsonSerializer.SerializeToElement(new { integrityToken = token, deviceKey = Convert.ToBase64String(deviceKey) }));

    private static PlayIntegrityPolicy Policy(Action<PlayIntegrityPolicy>? change = null)
    {
        var section = new PlayIntegrityPolicy
        {
            PackageName = Package,
            DecryptionKeySecretName = "pi-decryption",
            VerificationKeySecretName = "pi-verification",
        };
        section.SigningCertificateDigests.Add(Digest);
        change?.Invoke(section);
        return section;
    }

    /// <summary>Stands in for Google in unit tests: returns a set verdict and counts calls (the real client is tested against a fake server).</summary>
    private sealed class CountingDecoder : IPlayIntegrityDecoder
    {
        public string Verdict { get; set; } = "{}";

        public int Calls { get; private set; }

        public string? LastPackage { get; private set; }

        public string? LastServiceAccount { get; private set; }

        public Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastPackage = packageName;
            LastServiceAccount = serviceAccountJson;
            return Task.FromResult(IntegrityVerdict.Parse(System.Text.Encoding.UTF8.GetBytes(Verdict)));
        }
    }
}
