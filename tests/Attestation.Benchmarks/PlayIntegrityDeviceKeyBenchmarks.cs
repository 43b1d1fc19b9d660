using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;
using BenchmarkDotNet.Attributes;

namespace Attestation.Benchmarks;

/// <summary>
/// What a Play Integrity device key costs the backend beyond a keyless attestation: reading the <c>deviceKey</c> (import,
/// curve check, re-encoding) at attest, and a refresh's local work (signature and the stored verdict facts against the
/// policy) in place of a new verdict, which for a standard token is a call to Google.
/// </summary>
[MemoryDiagnoser]
public class PlayIntegrityDeviceKeyBenchmarks : IDisposable
{
    private const string Challenge = "q4Ht4Ue9JYuEHY3Yjb5GwL8Yz8w1m7cM1mR0Xe1gJ1Q";
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _deviceKeyText;
    private readonly PlayIntegrityRefreshVerifier _verifier = new();
    private readonly PlayIntegrityPolicy _policy;
    private readonly DeviceRegistration _registration;
    private readonly ChallengeSignatureProof _proof;

    public PlayIntegrityDeviceKeyBenchmarks()
    {
        var spki = _key.ExportSubjectPublicKeyInfo();
        _deviceKeyText = Convert.ToBase64String(spki);
        var digest = Convert.ToBase64String(SHA256.HashData("benchmark signing certificate"u8));
        _policy = new PlayIntegrityPolicy { PackageName = "com.contoso.demo" };
        _policy.SigningCertificateDigests.Add(digest);
        var facts = new PlayIntegrityRegisteredFacts("com.contoso.demo", "com.contoso.demo", [digest], "PLAY_RECOGNIZED", ["MEETS_DEVICE_INTEGRITY"], "LICENSED");
        var now = DateTimeOffset.UnixEpoch;
        _registration = new DeviceRegistration(
            "com.contoso.demo", "device", PlatformNames.PlayIntegrity, spki, 0, now, now, "", DeviceStatus.Active, AttestedAt: now, AttestedFacts: facts.ToText());
        var signature = _key.SignData(Encoding.UTF8.GetBytes(Challenge), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        _proof = ChallengeSignatureProof.Read(JsonSerializer.SerializeToElement(new { signature = Convert.ToBase64String(signature) }));
    }

    /// <summary>Reading a P-256 <c>deviceKey</c>, as attest does before the challenge is redeemed.</summary>
    [Benchmark]
    public PlayIntegrityDeviceKey ReadDeviceKey() => PlayIntegrityDeviceKey.Read(_deviceKeyText);

    /// <summary>A keyed device's refresh check: the signature (the key's import cached) and the stored facts against the policy.</summary>
    [Benchmark]
    public Task<RefreshVerdict> VerifyKeyedRefresh() => _verifier.VerifyAsync(_policy, _registration, Challenge, _proof);

    public void Dispose()
    {
        _key.Dispose();
        GC.SuppressFinalize(this);
    }
}
