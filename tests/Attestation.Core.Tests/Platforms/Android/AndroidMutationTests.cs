using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Platforms.Android;

/// <summary>
/// Seeded mutations of real and generated chains: flipped bytes, truncations, swapped and dropped certificates. Every
/// mutation of a real chain is refused with a code, except the few that change nothing the verifier trusts (see
/// <see cref="ChangesOnlyWhatNothingSigns"/>); every mutation must finish within <see cref="FuzzBound.PerCase"/>.
/// </summary>
public sealed class AndroidMutationTests
{
    private const int MutationsPerVector = 100;

    public static TheoryData<string> Vectors() => [.. AndroidVectors.Names];

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task EveryMutationOfARealChainIsRefused(string name)
    {
        var vector = AndroidVectors.Load(name);
        var policy = AndroidVectorTests.PolicyFor(vector);
        var seed = name.Length * 7919;
        var random = new Random(seed);
        var verifier = new AndroidKeyAttestationVerifier(new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty), TimeProvider.System);
        var original = await verifier.VerifyChainAsync(vector.Chain, vector.Challenge, policy, vector.VerifyAt);
        Assert.Equal(vector.ExpectValid, original.IsVerified);
        var endsAtPinnedRoot = IsPinnedRoot(vector.Chain[^1]);

        await FuzzBound.RunAsync(
            MutationsPerVector,
            async round =>
            {
                var (chain, what) = Mutate(vector.Chain, random);
                if (endsAtPinnedRoot && ChangesOnlyWhatNothingSigns(vector.Chain, chain))
                {
                    return;
                }

                var outcome = await verifier.VerifyChainAsync(chain, vector.Challenge, policy, vector.VerifyAt);
                Assert.False(outcome.IsVerified, $"{name} seed {seed} #{round}: the chain still verifies after {what}");
                AssertCodedRefusal(outcome);
            },
            $"{name} seed {seed}");
    }

    [Fact]
    public async Task AMutatedKeyDescriptionIsRefusedOrStillSaysWhatTheRulesRequire()
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
            if (outcome.IsVerified)
            {
                // The leaf is signed again over the mutated bytes, so they are signed content and may differ in fields no rule
                // reads (a patch level, the unique id); an accepted description must still say everything the rules require.
                AssertSaysWhatTheRulesRequire(KeyDescriptionReader.Read(bytes), generated.Challenge);
            }
            else
            {
                AssertCodedRefusal(outcome);
                refusals++;
            }
        }

        Assert.True(refusals > 100, $"only {refusals} of 200 mutations were refused");
    }

    /// <summary>
    /// For a chain that ends at a pinned root: true when <paramref name="mutated"/> differs from <paramref name="original"/> only in what no signature covers and no
    /// rule reads, so the verifier is right to accept it. The chain's trust is in the root's pinned public key, not in the
    /// root certificate (AndroidAttestationChainVerifier, step 1): of a pinned root, only its SubjectPublicKeyInfo (the pin)
    /// and its subject (the name the certificate below it must give as issuer) count. Everything else in it, its own
    /// self-signature included, is signed by nobody the verifier trusts. Dropping such a root is also accepted, as remotely
    /// provisioned chains leave the root out.
    /// </summary>
    private static bool ChangesOnlyWhatNothingSigns(IReadOnlyList<byte[]> original, List<byte[]> mutated)
    {
        var rootIndex = original.Count - 1;
        for (var i = 0; i < rootIndex; i++)
        {
            if (i >= mutated.Count || !mutated[i].AsSpan().SequenceEqual(original[i]))
            {
                return false;
            }
        }

        if (mutated.Count == rootIndex)
        {
            return true;
        }

        if (mutated.Count != original.Count)
        {
            return false;
        }

        try
        {
            using var before = X509CertificateLoader.LoadCertificate(original[rootIndex]);
            using var after = X509CertificateLoader.LoadCertificate(mutated[rootIndex]);
            return before.SubjectName.RawData.AsSpan().SequenceEqual(after.SubjectName.RawData)
                && before.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(after.PublicKey.ExportSubjectPublicKeyInfo());
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static bool IsPinnedRoot(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var key = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        return GoogleHardwareAttestationRoots.All.Any(r => r.SubjectPublicKeyInfo.AsSpan().SequenceEqual(key));
    }

    private static (List<byte[]> Chain, string What) Mutate(IReadOnlyList<byte[]> chain, Random random)
    {
        // Swapping a certificate with itself is no mutation; draw again.
        while (true)
        {
            var copy = chain.Select(c => (byte[])c.Clone()).ToList();
            var index = random.Next(copy.Count);
            switch (random.Next(5))
            {
                case 0:
                    var bit = random.Next(copy[index].Length);
                    copy[index][bit] ^= (byte)(1 << random.Next(8));
                    return (copy, $"a bit flip in certificate {index} at byte {bit}");
                case 1:
                    var length = random.Next(1, copy[index].Length);
                    copy[index] = copy[index][..length];
                    return (copy, $"truncating certificate {index} to {length} bytes");
                case 2 when index != 0:
                    (copy[0], copy[index]) = (copy[index], copy[0]);
                    return (copy, $"swapping certificates 0 and {index}");
                case 3:
                    copy.RemoveAt(index);
                    return (copy, $"dropping certificate {index}");
                case 4:
                    var position = random.Next(copy[index].Length);
                    var value = (byte)random.Next(256);
                    if (value == copy[index][position])
                    {
                        continue;
                    }

                    copy[index][position] = value;
                    return (copy, $"byte {position} of certificate {index} set to {value}");
                default:
                    continue;
            }
        }
    }

    private static void AssertSaysWhatTheRulesRequire(KeyDescription description, byte[] challenge)
    {
        Assert.Equal(challenge, description.AttestationChallenge);
        Assert.NotEqual(KeySecurityLevel.Software, description.AttestationSecurityLevel);
        Assert.Equal(description.AttestationSecurityLevel, description.KeyMintSecurityLevel);
        Assert.Equal(0, description.Origin);
        Assert.Contains(2, description.Purposes ?? []);
        Assert.Contains(description.ApplicationId?.Packages ?? [], p => p.Name == "com.contoso.demo");
        Assert.Contains(description.ApplicationId?.SignatureDigests ?? [], d => d.AsSpan().SequenceEqual(AndroidTestChain.DemoSigningDigest));
    }

    private static void AssertCodedRefusal(AndroidKeyAttestationOutcome outcome) =>
        Assert.True(outcome.Refusal?.Code is AttestationErrorCode.AttestationInvalid or AttestationErrorCode.PolicyViolation, outcome.Refusal?.Code.ToString());
}
