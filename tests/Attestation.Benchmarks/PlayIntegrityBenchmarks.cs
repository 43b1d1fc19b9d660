using System.Text.Json;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Benchmarks;

/// <summary>
/// A classic Play Integrity token, decrypted (A256KW + A256GCM) and verified (ES256) with the app's keys: the local work of
/// every classic attestation. The token and keys are the synthetic vector of tests/vectors (SOURCES.md section 3).
/// </summary>
[MemoryDiagnoser]
public class PlayIntegrityBenchmarks : IDisposable
{
    private readonly string _token;
    private readonly string _decryptionKey;
    private readonly string _verificationKey;
    private readonly PlayIntegrityKeys _keys;
    private readonly string _jws;
    private readonly PlayIntegrityAttestationVerifier _verifier;
    private readonly PlayIntegrityPolicy _policy;
    private readonly PlayIntegrityEvidence _evidence;
    private readonly IntegrityVerdictRequirements _requirements = new()
    {
        PackageName = "com.worldcoin.dev",
        RequestKind = IntegrityRequestKind.Classic,
        Challenge = "i_am_a_sample_request_hash",
        MaxAge = TimeSpan.FromMinutes(5),
        MinimumDeviceLevel = DeviceIntegrityLevel.Device,
    };

    public PlayIntegrityBenchmarks()
    {
        using var vector = JsonDocument.Parse(File.ReadAllText(VectorPath("play-integrity-synthetic-tokens-worldcoin-testkeys.json")));
        var root = vector.RootElement;
        _token = root.GetProperty("validToken").GetProperty("integrityToken").GetString()!;
        _decryptionKey = root.GetProperty("case").GetProperty("keys").GetProperty("decryptionKeyBase64").GetString()!;
        _verificationKey = root.GetProperty("case").GetProperty("keys").GetProperty("verificationKeyBase64").GetString()!;
        _keys = PlayIntegrityKeys.FromBase64(_decryptionKey, _verificationKey);
        _jws = ClassicIntegrityToken.Decrypt(_token, _keys);

        // The backend's verifier at the token's own instant, with the vector's keys as the app's secrets. The vector's
        // certificate digest is a placeholder (not 32 bytes), so this policy lists none and that one check is skipped.
        var secrets = new ConfigurationSecretStore([new("decryption", _decryptionKey), new("verification", _verificationKey)]);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1767225600000).AddSeconds(30);
        _verifier = new PlayIntegrityAttestationVerifier(secrets, new NoDecoder(), new FixedTimeProvider(at), NullLogger<PlayIntegrityAttestationVerifier>.Instance);
        _policy = new PlayIntegrityPolicy
        {
            PackageName = "com.worldcoin.dev",
            DecryptionKeySecretName = "decryption",
            VerificationKeySecretName = "verification",
        };
        _evidence = _verifier.ReadEvidence(JsonSerializer.SerializeToElement(new { integrityToken = _token }));
    }

    /// <summary>The JWE layer alone: key unwrap and AES-GCM.</summary>
    [Benchmark]
    public string DecryptClassicToken() => ClassicIntegrityToken.Decrypt(_token, _keys);

    /// <summary>The JWS layer alone: the ES256 signature check through Microsoft.IdentityModel.</summary>
    [Benchmark]
    public Task<byte[]> VerifyClassicTokenSignature() => ClassicIntegrityToken.VerifySignatureAsync(_jws, _keys);

    /// <summary>Decrypt, verify the signature, read and check the verdict: what an attestation does once the keys are cached.</summary>
    [Benchmark]
    public async Task<IntegrityVerdict> DecryptAndVerifyClassicToken()
    {
        var verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(_token, _keys);
        _requirements.Check(verdict, verdict.Timestamp.AddSeconds(30));
        return verdict;
    }

    /// <summary>
    /// A classic attestation as the backend runs it once the keys are cached: both secrets read, the key cache consulted,
    /// the token decrypted and verified, the app's policy checked, and a device id drawn.
    /// </summary>
    [Benchmark]
    public Task<AttestationVerdict> VerifyClassicAttestation() => _verifier.VerifyAsync(_policy, "i_am_a_sample_request_hash", _evidence);

    /// <summary>Building the keys from the secrets' text: paid once per key rotation, not per attestation.</summary>
    [Benchmark]
    public void ParseKeys()
    {
        using var keys = PlayIntegrityKeys.FromBase64(_decryptionKey, _verificationKey);
    }

    public void Dispose()
    {
        _keys.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Classic tokens never reach Google.</summary>
    private sealed class NoDecoder : IPlayIntegrityDecoder
    {
        public Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A classic token was sent to Google.");
    }

    // BenchmarkDotNet runs a generated copy of this project below its bin folder, so the vectors are found by walking up.
    private static string VectorPath(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "tests", "vectors", file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"No tests/vectors/{file} above {AppContext.BaseDirectory}.");
    }
}
