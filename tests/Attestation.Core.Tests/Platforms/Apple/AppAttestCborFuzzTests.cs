using Attestation.Core.Platforms.Apple;
using Attestation.Core.Tests.Fuzzing;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Apple;

/// <summary>
/// The App Attest CBOR readers alone, below the verifiers (<see cref="AppleAttestationFuzzTests"/> and
/// <see cref="AppleAssertionFuzzTests"/> cover them through verification): mutated real attestation objects and assertions
/// (<see cref="EncodingMutator"/>, stacked edits, from fixed seeds) and inputs built to blow up a reader. Each read returns or
/// throws <see cref="FormatException"/>, the readers' defined refusal, and finishes within <see cref="FuzzBound.PerCase"/>.
/// </summary>
public sealed class AppAttestCborFuzzTests
{
    private const int Cases = 2000;

    private static readonly Lazy<IReadOnlyList<byte[]>> AttestationObjects = new(() =>
        [.. AppleVectors.AttestationFiles().Select(f => AppleVectors.Load(f).Attestation!.AttestationObject)]);

    private static readonly Lazy<IReadOnlyList<byte[]>> Assertions = new(() =>
        [.. AppleVectors.AssertionFiles().SelectMany(f => AppleVectors.Load(f).Assertions).Select(a => a.Assertion)]);

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    public async Task AMutatedAttestationObjectReadsOrIsAFormatException(int seed)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            _ => ReadOrFormatException(() => AppAttestAttestationObject.Read(EncodingMutator.Mutate(AttestationObjects.Value[random.Next(AttestationObjects.Value.Count)], random))),
            $"seed {seed}");
    }

    [Theory]
    [InlineData(303)]
    public async Task AMutatedAssertionReadsOrIsAFormatException(int seed)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            _ => ReadOrFormatException(() => AppAttestAssertion.Read(EncodingMutator.Mutate(Assertions.Value[random.Next(Assertions.Value.Count)], random))),
            $"seed {seed}");
    }

    [Fact]
    public async Task PathologicalEncodingsAreFormatExceptions()
    {
        var inputs = EncodingMutator.Pathological().ToList();
        await FuzzBound.RunAsync(
            inputs.Count,
            i =>
            {
                Assert.Throws<FormatException>(() => AppAttestAttestationObject.Read(inputs[i].Bytes));
                Assert.Throws<FormatException>(() => AppAttestAssertion.Read(inputs[i].Bytes));
            },
            "pathological encodings");
    }

    private static void ReadOrFormatException(Action read)
    {
        try
        {
            read();
        }
        catch (FormatException)
        {
        }
    }
}
