using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Platforms.Apple;
using BenchmarkDotNet.Attributes;

namespace Attestation.Benchmarks;

/// <summary>
/// App Attest verification on a real vector (tests/vectors/apple-appattest-worldcoin-2025.json, iOS 18.3.1): the whole
/// attestation (CBOR, chain to Apple's root, nonce, key id, App ID) and one assertion (CBOR, ECDSA P-256, counter).
/// </summary>
[MemoryDiagnoser]
public class AppleAppAttestBenchmarks
{
    private readonly AppleAttestationVerifier _verifier = new(TimeProvider.System);
    private readonly byte[] _attestationObject;
    private readonly byte[] _keyId;
    private readonly string _appId;
    private readonly byte[] _clientDataHash;
    private readonly DateTimeOffset _at;
    private readonly byte[] _assertion;
    private readonly byte[] _publicKey;
    private readonly byte[] _assertionClientDataHash;

    public AppleAppAttestBenchmarks()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(VectorPath("apple-appattest-worldcoin-2025.json")));
        var root = document.RootElement;
        var @case = root.GetProperty("case");
        _attestationObject = Convert.FromBase64String(root.GetProperty("attestation").GetProperty("attestationObjectBase64").GetString()!);
        _keyId = Convert.FromBase64String(@case.GetProperty("keyIdBase64").GetString()!);
        _appId = @case.GetProperty("appId").GetString()!;
        _clientDataHash = Convert.FromHexString(@case.GetProperty("clientDataHashHex").GetString()!);
        _at = DateTimeOffset.Parse(@case.GetProperty("verifyAt").GetString()!, CultureInfo.InvariantCulture);
        var assertion = @case.GetProperty("assertions")[0];
        _assertion = Convert.FromBase64String(assertion.GetProperty("assertionBase64").GetString()!);
        _assertionClientDataHash = Convert.FromHexString(assertion.GetProperty("clientDataHashHex").GetString()!);
        using var key = ECDsa.Create();
        key.ImportFromPem(assertion.GetProperty("publicKeyPem").GetString()!);
        _publicKey = key.ExportSubjectPublicKeyInfo();
    }

    [Benchmark]
    public AppleAttestationResult VerifyAppleAttestation() =>
        _verifier.VerifyAttestation(_attestationObject, _keyId, _appId, allowDevelopment: true, _clientDataHash, _at);

    [Benchmark]
    public long VerifyAppleAssertion() =>
        AppleAssertionVerifier.VerifyAssertion(_assertion, _publicKey, _appId, _assertionClientDataHash, previousCounter: 0);

    private static string VectorPath(string file)
    {
        // BenchmarkDotNet runs a generated copy under bin/; the repository root is the folder above it holding Serverless.sln.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "vectors", file);
            }
        }

        throw new InvalidOperationException($"No Serverless.sln above {AppContext.BaseDirectory}.");
    }
}
