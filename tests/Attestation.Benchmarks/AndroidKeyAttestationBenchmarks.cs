using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Apps;
using Attestation.Core.Platforms.Android;
using BenchmarkDotNet.Attributes;

namespace Attestation.Benchmarks;

/// <summary>
/// Verifying real Android key attestation chains from tests/vectors: links, pinned root, KeyDescription, policy (the
/// status list is an in-memory set here, as it is between refreshes in the backend).
/// </summary>
[MemoryDiagnoser]
public class AndroidKeyAttestationBenchmarks
{
    private readonly AndroidKeyAttestationVerifier _verifier = new(
        new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(AndroidAttestationStatusList.Empty), TimeProvider.System);

    private readonly Vector _rkp = Load("android-key-pixel9pro-sdk36-tee-ec-rkp.pem", "d688d763-6118-4ca6-94b2-e6cd9ed7e4e4", "2025-09-26T15:31:20Z");
    private readonly Vector _ca1 = Load("android-key-pixel9a-sdk36-tee-ec-ca1root.pem", "6417f92c-daef-4cc1-8828-5bb39338ffd5", "2026-02-24T00:56:03Z");
    private readonly Vector _factory = Load("android-key-sony-xperia10iii-sdk33-tee-ec.pem", null, "2026-06-04T14:59:05Z");
    private readonly byte[] _keyDescription;

    public AndroidKeyAttestationBenchmarks()
    {
        using var leaf = X509CertificateLoader.LoadCertificate(_rkp.Chain[0]);
        _keyDescription = leaf.Extensions[KeyDescription.Oid]!.RawData;
    }

    /// <summary>Pixel 9 Pro, remotely provisioned, 5 certificates ending at the RSA-4096 root.</summary>
    [Benchmark]
    public Task<AndroidKeyAttestationResult> VerifyRkpChainToRsaRoot() => Verify(_rkp);

    /// <summary>Pixel 9a, 5 certificates ending at the ECDSA P-384 Key Attestation CA1 root.</summary>
    [Benchmark]
    public Task<AndroidKeyAttestationResult> VerifyChainToEcCa1Root() => Verify(_ca1);

    /// <summary>Sony Xperia 10 III, factory provisioned, 4 certificates ending at the RSA-4096 root.</summary>
    [Benchmark]
    public Task<AndroidKeyAttestationResult> VerifyFactoryChain() => Verify(_factory);

    /// <summary>The KeyDescription reader alone.</summary>
    [Benchmark]
    public KeyDescription ReadKeyDescription() => KeyDescriptionReader.Read(_keyDescription);

    // A refusal throws, so that a vector that stopped verifying fails the benchmark instead of timing the refusal.
    private async Task<AndroidKeyAttestationResult> Verify(Vector vector) =>
        (await _verifier.VerifyChainAsync(vector.Chain, vector.Challenge, vector.Policy, vector.At).ConfigureAwait(false)).ResultOrThrow();

    private static Vector Load(string file, string? challenge, string at)
    {
        var chain = new List<byte[]>();
        var rest = File.ReadAllText(Path.Combine(VectorsFolder(), file)).AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            chain.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End..];
        }

        using var leaf = X509CertificateLoader.LoadCertificate(chain[0]);
        var description = KeyDescriptionReader.Read(leaf.Extensions[KeyDescription.Oid]!.RawData);
        var policy = new AndroidKeyAttestationPolicy
        {
            PackageName = description.ApplicationId!.Packages[0].Name,
            RequireVerifiedBoot = true,
            RequireLockedBootloader = true,
        };
        policy.SigningCertificateDigests.Add(Convert.ToHexString(description.ApplicationId.SignatureDigests[0]));
        var expected = challenge is null ? description.AttestationChallenge : System.Text.Encoding.UTF8.GetBytes(challenge);
        return new Vector(chain, expected, policy, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string VectorsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "vectors");
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        // BenchmarkDotNet runs a copy of the project from its own folder; the working directory is the repository then.
        return Path.Combine(Directory.GetCurrentDirectory(), "tests", "vectors");
    }

    private sealed record Vector(List<byte[]> Chain, byte[] Challenge, AndroidKeyAttestationPolicy Policy, DateTimeOffset At);
}
