using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// Mutated assertions (<see cref="AppAttestMutator"/>), from fixed seeds so a failure can be replayed: every one must end
/// in <c>proof_invalid</c>, never in another exception.
/// </summary>
public sealed class AppleAssertionFuzzTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private const int Iterations = 500;
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestDevice _device = new();

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void EveryMutatedAssertionIsProofInvalid(int seed)
    {
        var original = AppAttestTestAuthority.Assert(_device, AppId, ClientDataHash, 1);
        var random = new Random(seed);

        for (var i = 0; i < Iterations; i++)
        {
            var mutated = AppAttestMutator.Mutate(original, random);
            var error = Assert.Throws<AttestationException>(() => AppleAssertionVerifier.VerifyAssertion(mutated, _device.SubjectPublicKeyInfo, AppId, ClientDataHash, 0));

            // A flip inside rpIdHash is caught by the signature first; a flip of the map key text makes the field missing.
            Assert.Equal(AttestationErrorCode.ProofInvalid, error.Code);
        }
    }

    public void Dispose() => _device.Dispose();
}
