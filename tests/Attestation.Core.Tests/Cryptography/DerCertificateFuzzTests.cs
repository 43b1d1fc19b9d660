using System.Formats.Asn1;
using System.Security.Cryptography;
using Attestation.Core.Cryptography;
using Attestation.Core.Tests.Fuzzing;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Cryptography;

/// <summary>
/// Mutated real certificates (every certificate of the Android and App Attest vectors that has its issuer beside it), from
/// fixed seeds. <see cref="DerCertificate.Read"/> returns or throws <see cref="AsnContentException"/>, its defined refusal;
/// <see cref="CertificateSignature.Verify(ReadOnlyMemory{byte}, ReadOnlySpan{byte})"/> answers or throws
/// <see cref="AsnContentException"/> or <see cref="CryptographicException"/>, and never says yes once a byte of the
/// tbsCertificate it covers has changed. Every case finishes within <see cref="FuzzBound.PerCase"/>.
/// </summary>
public sealed class DerCertificateFuzzTests
{
    private const int Cases = 1500;

    private static readonly Lazy<IReadOnlyList<(byte[] Certificate, byte[] IssuerKey)>> Signed = new(LoadSigned);

    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    public async Task AMutatedCertificateReadsOrIsRefusedAndNeverVerifiesWithChangedContent(int seed)
    {
        var random = new Random(seed);
        await FuzzBound.RunAsync(
            Cases,
            i =>
            {
                var (original, issuerKey) = Signed.Value[random.Next(Signed.Value.Count)];
                var mutated = EncodingMutator.Mutate(original, random);
                ReadOrAsnRefusal(mutated);

                bool verified;
                try
                {
                    verified = CertificateSignature.Verify(mutated, issuerKey);
                }
                catch (Exception e) when (e is AsnContentException or CryptographicException)
                {
                    return;
                }

                Assert.False(verified && !Tbs(mutated).SequenceEqual(Tbs(original)), $"seed {seed} #{i}: a changed tbsCertificate verifies");
            },
            $"seed {seed}");
    }

    [Fact]
    public async Task PathologicalEncodingsAreRefused()
    {
        var inputs = EncodingMutator.Pathological().ToList();
        await FuzzBound.RunAsync(
            inputs.Count,
            i => Assert.Throws<AsnContentException>(() => DerCertificate.Read(inputs[i].Bytes)),
            "pathological encodings");
    }

    private static void ReadOrAsnRefusal(byte[] der)
    {
        try
        {
            DerCertificate.Read(der);
        }
        catch (AsnContentException)
        {
        }
    }

    private static byte[] Tbs(byte[] certificate) =>
        new AsnReader(certificate, AsnEncodingRules.BER).ReadSequence().ReadEncodedValue().ToArray();

    private static List<(byte[], byte[])> LoadSigned()
    {
        var chains = AndroidVectors.Names.Select(n => AndroidVectors.Load(n).Chain)
            .Concat(AppleVectors.AttestationFiles().Select(f => AppAttestAttestationObjectCertificates(AppleVectors.Load(f).Attestation!.AttestationObject)));
        var pairs = new List<(byte[], byte[])>();
        foreach (var chain in chains)
        {
            for (var i = 0; i + 1 < chain.Count; i++)
            {
                using var issuer = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(chain[i + 1]);
                if (CertificateSignature.Verify(chain[i], issuer.PublicKey.ExportSubjectPublicKeyInfo()))
                {
                    pairs.Add((chain[i], issuer.PublicKey.ExportSubjectPublicKeyInfo()));
                }
            }
        }

        return pairs;
    }

    private static IReadOnlyList<byte[]> AppAttestAttestationObjectCertificates(byte[] attestationObject) =>
        Attestation.Core.Platforms.Apple.AppAttestAttestationObject.Read(attestationObject).Certificates;
}
