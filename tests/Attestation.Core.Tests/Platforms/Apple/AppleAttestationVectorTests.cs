using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>The real attestations of tests/vectors, each verified at its own instant.</summary>
public sealed class AppleAttestationVectorTests
{
    private static readonly AppleAttestationVerifier Verifier = new(TimeProvider.System);

    public static TheoryData<string> AttestationFiles() => [.. AppleVectors.AttestationFiles()];

    [Fact]
    public void EveryAppleVectorFileIsCovered()
    {
        // 14 files: 13 with an attestation; 9 of them, and one file without an attestation, with assertions.
        Assert.Equal(14, AppleVectors.Files().Count);
        Assert.Equal(13, AppleVectors.AttestationFiles().Count);
        Assert.Equal(10, AppleVectors.AssertionFiles().Count);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealAttestationVerifiesAtItsOwnInstant(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;

        var result = Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, allowDevelopment: true, attestation.ClientDataHash, attestation.VerifyAt);

        Assert.True(attestation.ExpectValid);
        Assert.Equal(attestation.KeyId, result.KeyId);
        Assert.Equal(attestation.Environment, result.Environment.ToName());
        Assert.Equal(0, result.Counter);
        Assert.Equal(AppleVectors.SpkiFromPem(attestation.PublicKeyPem), result.PublicKey);
        Assert.NotNull(result.Receipt);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealAttestationIsRefusedAfterItsCertificateExpired(string file)
    {
        var attestation = AppleVectors.Load(file).Attestation!;

        var error = Refuse(file, attestation.ExpiredAt.AddSeconds(1));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("certificate chain", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealAttestationIsRefusedForAnotherChallenge(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;
        var otherHash = SHA256.HashData(attestation.ClientDataHash);

        var error = Assert.Throws<AttestationException>(() =>
            Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, true, otherHash, attestation.VerifyAt));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("nonce", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealAttestationIsAPolicyViolationForAnotherAppId(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;

        var error = Assert.Throws<AttestationException>(() =>
            Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, "0987654321." + vector.AppId.Split('.', 2)[1], true, attestation.ClientDataHash, attestation.VerifyAt));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        Assert.Contains("another App ID", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EachRealAttestationIsRefusedForAnotherKeyId(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;
        var otherKeyId = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(vector.AppId));

        var error = Assert.Throws<AttestationException>(() =>
            Verifier.VerifyAttestation(attestation.AttestationObject, otherKeyId, vector.AppId, true, attestation.ClientDataHash, attestation.VerifyAt));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("key id", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void ADevelopmentAttestationIsAPolicyViolationWhereOnlyProductionIsAllowed(string file)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;

        if (attestation.Environment == "production")
        {
            var result = Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, false, attestation.ClientDataHash, attestation.VerifyAt);
            Assert.Equal(AppAttestEnvironment.Production, result.Environment);
        }
        else
        {
            var error = Assert.Throws<AttestationException>(() =>
                Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, false, attestation.ClientDataHash, attestation.VerifyAt));
            Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
            Assert.Contains("development environment", error.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ApplesSampleWithBytesAfterTheCredentialKeyVerifies()
    {
        // docs/quirks.md: the 2026 sample's authData carries a CBOR map after the COSE key although the ED flag is clear.
        var vector = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json");
        var attestation = vector.Attestation!;
        var authenticatorData = AppAttestAuthenticatorData.Read(AppAttestAttestationObject.Read(attestation.AttestationObject).AuthenticatorData);
        Assert.Equal(0, authenticatorData.Flags & 0x80);

        var result = Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, false, attestation.ClientDataHash, attestation.VerifyAt);

        Assert.Equal(AppAttestEnvironment.Production, result.Environment);
    }

    [Fact]
    public void ApplesSampleIsRefusedWhenTheChallengeIsHashedFirst()
    {
        // Apple's sample passed the raw challenge bytes as clientDataHash; hashing them gives another nonce.
        var vector = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json");
        var attestation = vector.Attestation!;

        var error = Assert.Throws<AttestationException>(() => Verifier.VerifyAttestation(
            attestation.AttestationObject, attestation.KeyId, vector.AppId, false, SHA256.HashData("example_server_challenge"u8), attestation.VerifyAt));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
    }

    [Fact]
    public void ApplesSampleIsRefusedForTheBundleOfAnotherApp()
    {
        var attestation = AppleVectors.Load("apple-appattest-apple-docs-sample-2026.json").Attestation!;

        var error = Assert.Throws<AttestationException>(() => Verifier.VerifyAttestation(
            attestation.AttestationObject, attestation.KeyId, "1234567890.tech.malibu.app", false, attestation.ClientDataHash, attestation.VerifyAt));

        Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
    }

    private static AttestationException Refuse(string file, DateTimeOffset at)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;
        return Assert.Throws<AttestationException>(() =>
            Verifier.VerifyAttestation(attestation.AttestationObject, attestation.KeyId, vector.AppId, true, attestation.ClientDataHash, at));
    }
}
