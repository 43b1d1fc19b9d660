using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// Mutated attestation objects (<see cref="AppAttestMutator"/>), from fixed seeds so a failure can be replayed: every one
/// must end in <c>attestation_invalid</c>, never in another exception.
/// </summary>
public sealed class AppleAttestationFuzzTests : IDisposable
{
    private const string AppId = "ABCDE12345.com.contoso.demo";
    private const int Iterations = 500;
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ClientDataHash = SHA256.HashData("challenge"u8);

    private readonly AppAttestTestAuthority _authority = new();
    private readonly AppAttestTestDevice _device = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryMutatedAttestationObjectIsAttestationInvalid(int seed)
    {
        var verifier = new AppleAttestationVerifier(TimeProvider.System, [_authority.RootCertificate]);

        var original = _authority.Attest(_device, new AttestationShape(AppId, ClientDataHash, Now));
        verifier.VerifyAttestation(original, _device.KeyId, AppId, true, ClientDataHash, Now);
        var random = new Random(seed);

        for (var i = 0; i < Iterations; i++)
        {
            var mutated = AppAttestMutator.Mutate(original, random);
            if (OnlyTheReceiptChanged(original, mutated))
            {
                continue;
            }

            var error = Assert.Throws<AttestationException>(() => verifier.VerifyAttestation(mutated, _device.KeyId, AppId, true, ClientDataHash, Now));
            Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        }
    }

    [Theory]
    [InlineData("apple-appattest-apple-docs-sample-2026.json", 6)]
    [InlineData("apple-appattest-worldcoin-2026.json", 7)]
    public void EveryMutationOfARealAttestationOutsideItsReceiptIsAttestationInvalid(string file, int seed)
    {
        var vector = AppleVectors.Load(file);
        var attestation = vector.Attestation!;
        var verifier = new AppleAttestationVerifier(TimeProvider.System);
        var original = attestation.AttestationObject;

        var random = new Random(seed);

        for (var i = 0; i < Iterations / 2; i++)
        {
            var mutated = AppAttestMutator.Mutate(original, random);
            if (OnlyTheReceiptChanged(original, mutated))
            {
                continue;
            }

            var error = Assert.Throws<AttestationException>(() => verifier.VerifyAttestation(mutated, attestation.KeyId, vector.AppId, true, attestation.ClientDataHash, attestation.VerifyAt));
            Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        }
    }

    // Some bytes of a SignedData are signed by nobody and used by nobody (its version, its digestAlgorithms set, copies of
    // certificates the chain does not use), so a receipt-only mutation may rightly still verify; the receipt's signed
    // parts are mutated on purpose in AppleReceiptMutationTests. Every other byte is covered by the chain, the nonce or
    // the CBOR structure.
    private static bool OnlyTheReceiptChanged(byte[] original, byte[] mutated)
    {
        var receipt = AppAttestAttestationObject.Read(original).Receipt;
        var receiptStart = original.AsSpan().IndexOf(receipt);
        return mutated.Length == original.Length
            && Enumerable.Range(0, original.Length).Where(at => original[at] != mutated[at]).All(at => at >= receiptStart && at < receiptStart + receipt.Length);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _device.Dispose();
    }
}
