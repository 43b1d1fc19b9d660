using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>The real assertions of tests/vectors, each verified against its key after its previous counter.</summary>
public sealed class AppleAssertionVectorTests
{
    public static TheoryData<string> AssertionFiles() => [.. AppleVectors.AssertionFiles()];

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public void EachRealAssertionVerifiesAgainstItsKeyAfterThePreviousCounter(string file)
    {
        var vector = AppleVectors.Load(file);
        foreach (var assertion in vector.Assertions)
        {
            var counter = AppleAssertionVerifier.VerifyAssertion(assertion.Assertion, AppleVectors.SpkiFromPem(assertion.PublicKeyPem), vector.AppId, assertion.ClientDataHash, assertion.PreviousCounter);

            Assert.Equal(assertion.ExpectedCounter, counter);
        }
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public void EachRealAssertionIsRefusedOnceItsCounterWasAccepted(string file)
    {
        var vector = AppleVectors.Load(file);
        foreach (var assertion in vector.Assertions)
        {
            var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(
                assertion.Assertion, AppleVectors.SpkiFromPem(assertion.PublicKeyPem), vector.AppId, assertion.ClientDataHash, assertion.ExpectedCounter));

            Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
            Assert.Contains("not greater than", error.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public void EachRealAssertionIsRefusedForOtherClientData(string file)
    {
        // uebelack's tests: client data "{}" gives a bad signature.
        var vector = AppleVectors.Load(file);
        foreach (var assertion in vector.Assertions)
        {
            var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(
                assertion.Assertion, AppleVectors.SpkiFromPem(assertion.PublicKeyPem), vector.AppId, SHA256.HashData("{}"u8), assertion.PreviousCounter));

            Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
            Assert.Contains("signature", error.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public void EachRealAssertionIsRefusedWithAnotherKey(string file)
    {
        var vector = AppleVectors.Load(file);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var assertion in vector.Assertions)
        {
            var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(
                assertion.Assertion, other.ExportSubjectPublicKeyInfo(), vector.AppId, assertion.ClientDataHash, assertion.PreviousCounter));

            Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
        }
    }

    [Theory]
    [MemberData(nameof(AssertionFiles))]
    public void EachRealAssertionIsAPolicyViolationForAnotherAppId(string file)
    {
        var vector = AppleVectors.Load(file);
        foreach (var assertion in vector.Assertions)
        {
            var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(
                assertion.Assertion, AppleVectors.SpkiFromPem(assertion.PublicKeyPem), "0987654321.com.example.other", assertion.ClientDataHash, assertion.PreviousCounter));

            Assert.Equal(AttestationErrorCode.PolicyViolation, error.Code);
        }
    }
}
