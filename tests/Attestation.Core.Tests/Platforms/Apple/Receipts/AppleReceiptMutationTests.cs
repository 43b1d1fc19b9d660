using System.Formats.Cbor;
using System.Security.Cryptography.Pkcs;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple.Receipts;

/// <summary>
/// Real attestations whose receipt alone is changed, from fixed seeds so a failure can be replayed: at attestation every
/// one is <c>attestation_invalid</c> (issue 14), however genuine the rest of the evidence.
/// </summary>
public sealed class AppleReceiptMutationTests
{
    private const int FlipsPerPart = 40;
    private static readonly AppleAttestationVerifier Verifier = new(TimeProvider.System);

    public static TheoryData<string> AttestationFiles() => [.. AppleVectors.AttestationFiles()];

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EveryByteFlipInTheReceiptsSignatureIsRefused(string file)
    {
        var (vector, receipt) = AppleReceiptVectorTests.Load(file);
        var cms = new SignedCms();
        cms.Decode(receipt);
        var signature = cms.SignerInfos[0].GetSignature();

        AssertEveryFlipIsRefused(vector, receipt, receipt.AsSpan().IndexOf(signature), signature.Length, seed: 14);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EveryByteFlipInTheReceiptsPayloadIsRefused(string file)
    {
        var (vector, receipt) = AppleReceiptVectorTests.Load(file);
        var cms = new SignedCms();
        cms.Decode(receipt);

        // Apple sends the payload in chunks of a constructed OCTET STRING; the first 256 bytes sit in the first chunk.
        var payloadStart = receipt.AsSpan().IndexOf(cms.ContentInfo.Content.AsSpan(0, 256));
        Assert.True(payloadStart > 0);

        AssertEveryFlipIsRefused(vector, receipt, payloadStart, 256, seed: 15);
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void EveryTruncationOfTheReceiptIsRefused(string file)
    {
        var (vector, receipt) = AppleReceiptVectorTests.Load(file);

        foreach (var length in new[] { 0, 1, 16, receipt.Length / 2, receipt.Length - 2, receipt.Length - 1 })
        {
            AssertRefused(vector, receipt[..length]);
        }
    }

    [Theory]
    [MemberData(nameof(AttestationFiles))]
    public void AnotherVectorsReceiptIsRefused(string file)
    {
        // Another app's receipt, and always another key's: a genuine receipt moved to this attestation.
        var (vector, _) = AppleReceiptVectorTests.Load(file);
        var files = AppleVectors.AttestationFiles();
        var other = files[(files.ToList().IndexOf(file) + 1) % files.Count];
        var (_, otherReceipt) = AppleReceiptVectorTests.Load(other);

        var error = AssertRefused(vector, otherReceipt);

        Assert.Contains("another", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AReceiptOfTheSameAppForAnotherKeyIsRefused()
    {
        // The seven veehaitch vectors share an App ID: only the attested key tells their receipts apart.
        var (vector, _) = AppleReceiptVectorTests.Load("apple-appattest-veehaitch-ios-14.4.json");
        var (other, otherReceipt) = AppleReceiptVectorTests.Load("apple-appattest-veehaitch-ios-14.2.json");
        Assert.Equal(vector.AppId, other.AppId);

        var error = AssertRefused(vector, otherReceipt);

        Assert.Contains("another attested key", error.Detail, StringComparison.Ordinal);
    }

    private static void AssertEveryFlipIsRefused(AppleVector vector, byte[] receipt, int start, int length, int seed)
    {
        Assert.True(start > 0);
        var random = new Random(seed);
        for (var i = 0; i < FlipsPerPart; i++)
        {
            var mutated = (byte[])receipt.Clone();
            mutated[start + random.Next(length)] ^= (byte)(1 << random.Next(8));
            AssertRefused(vector, mutated);
        }
    }

    private static AttestationException AssertRefused(AppleVector vector, byte[] receipt)
    {
        var attestation = vector.Attestation!;
        var withReceipt = WithReceipt(attestation.AttestationObject, receipt);
        var error = Assert.Throws<AttestationException>(() =>
            Verifier.VerifyAttestation(withReceipt, attestation.KeyId, vector.AppId, true, attestation.ClientDataHash, attestation.VerifyAt));
        Assert.Equal(AttestationErrorCode.AttestationInvalid, error.Code);
        Assert.Contains("receipt", error.Detail, StringComparison.Ordinal);
        return error;
    }

    // The attestation object with its receipt replaced and everything else as Apple sent it.
    private static byte[] WithReceipt(byte[] attestationObject, byte[] receipt)
    {
        var original = AppAttestAttestationObject.Read(attestationObject);
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(3);
        writer.WriteTextString("fmt");
        writer.WriteTextString(original.Format);
        writer.WriteTextString("attStmt");
        writer.WriteStartMap(2);
        writer.WriteTextString("x5c");
        writer.WriteStartArray(original.Certificates.Count);
        foreach (var certificate in original.Certificates)
        {
            writer.WriteByteString(certificate);
        }

        writer.WriteEndArray();
        writer.WriteTextString("receipt");
        writer.WriteByteString(receipt);
        writer.WriteEndMap();
        writer.WriteTextString("authData");
        writer.WriteByteString(original.AuthenticatorData);
        writer.WriteEndMap();
        return writer.Encode();
    }
}
