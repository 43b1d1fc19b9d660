using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// Seeded mutations of real and generated chains: flipped bytes, truncations, swapped and dropped certificates. Whatever
/// the input, the verifier's outcome is a coded refusal (or, rarely, a pass when the mutation hit bytes nothing covers, such as
/// the root's own signature), never in another exception.
/// </summary>
public sealed class AndroidMutationTests
{
    public static TheoryData<string> Vectors() => [.. AndroidVectors.Names];

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task NoMutatedRealChainEndsInAnUnhandledException(string name)
    {
        var vector = AndroidVectors.Load(name);
        var policy = AndroidVectorTests.PolicyFor(vector);
        var random = new Random(name.Length * 7919);
        var verifier = new AndroidKeyAttestationVerifier(new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty), TimeProvider.System);

        for (var round = 0; round < 100; round++)
        {
            var chain = Mutate(vector.Chain, random);
            AssertCodedOutcome(await verifier.VerifyChainAsync(chain, vector.Challenge, policy, vector.VerifyAt));
        }
    }

    [Fact]
    public async Task NoMutatedKeyDescriptionEndsInAnUnhandledException()
    {
        var generated = new AndroidTestChain();
        var original = generated.KeyDescription();
        var verifier = AndroidTestKit.Verifier(generated);
        var random = new Random(4242);
        var refusals = 0;

        for (var round = 0; round < 200; round++)
        {
            var bytes = (byte[])original.Clone();
            switch (random.Next(3))
            {
                case 0:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                default:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
            }

            generated.RawKeyDescription = bytes;
            var outcome = await verifier.VerifyChainAsync(generated.Build(), generated.Challenge, AndroidTestKit.Policy(), AndroidTestKit.Now);
            AssertCodedOutcome(outcome);
            refusals += outcome.IsVerified ? 0 : 1;
        }

        Assert.True(refusals > 100, $"only {refusals} of 200 mutations were refused");
    }

    private static List<byte[]> Mutate(IReadOnlyList<byte[]> chain, Random random)
    {
        var copy = chain.Select(c => (byte[])c.Clone()).ToList();
        var index = random.Next(copy.Count);
        switch (random.Next(5))
        {
            case 0:
                copy[index][random.Next(copy[index].Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                copy[index] = copy[index][..random.Next(1, copy[index].Length)];
                break;
            case 2:
                (copy[0], copy[index]) = (copy[index], copy[0]);
                break;
            case 3:
                copy.RemoveAt(index);
                break;
            default:
                var position = random.Next(copy[index].Length);
                copy[index][position] = (byte)random.Next(256);
                break;
        }

        return copy;
    }

    // Any exception other than a coded refusal escapes VerifyChainAsync and fails the test before this is reached.
    private static void AssertCodedOutcome(AndroidKeyAttestationOutcome outcome)
    {
        if (!outcome.IsVerified)
        {
            Assert.True(outcome.Refusal.Code is AttestationErrorCode.AttestationInvalid or AttestationErrorCode.PolicyViolation, outcome.Refusal.Code.ToString());
        }
    }
}
