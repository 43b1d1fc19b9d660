using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Tests.Fuzzing;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// Mutated KeyDescription extensions (<see cref="EncodingMutator"/>) of every real leaf in tests/vectors and of a generated
/// one, from fixed seeds: <see cref="KeyDescriptionReader.Read"/> returns a description or throws <c>attestation_invalid</c>,
/// its defined refusal, never another exception, and every case finishes within <see cref="FuzzBound.PerCase"/>.
/// </summary>
public sealed class KeyDescriptionReaderFuzzTests
{
    private const int Cases = 2000;

    private static readonly Lazy<IReadOnlyList<byte[]>> Originals = new(() =>
    [
        .. AndroidVectors.Names.Select(n => AndroidVectors.Load(n).Chain[0]).Select(ExtensionOf).OfType<byte[]>(),
        new AndroidTestChain().KeyDescription(),
    ]);

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    public async Task AMutatedKeyDescriptionReadsOrIsAttestationInvalid(int seed)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            i => ReadOrAttestationInvalid(EncodingMutator.Mutate(Originals.Value[random.Next(Originals.Value.Count)], random)),
            $"seed {seed}");
    }

    [Fact]
    public async Task PathologicalEncodingsAreAttestationInvalid()
    {
        var inputs = EncodingMutator.Pathological().ToList();
        await FuzzBound.RunAsync(
            inputs.Count,
            i => Assert.Equal(AttestationErrorCode.AttestationInvalid, Assert.Throws<AttestationException>(() => KeyDescriptionReader.Read(inputs[i].Bytes)).Code),
            "pathological encodings");
    }

    [Fact]
    public void EveryRealLeafHasAKeyDescriptionToMutate() =>
        Assert.Equal(AndroidVectors.Names.Count + 1, Originals.Value.Count);

    private static void ReadOrAttestationInvalid(byte[] bytes)
    {
        try
        {
            KeyDescriptionReader.Read(bytes);
        }
        catch (AttestationException e)
        {
            Assert.Equal(AttestationErrorCode.AttestationInvalid, e.Code);
        }
    }

    private static byte[]? ExtensionOf(byte[] leaf)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(leaf);
        return certificate.Extensions[KeyDescription.Oid]?.RawData;
    }
}
