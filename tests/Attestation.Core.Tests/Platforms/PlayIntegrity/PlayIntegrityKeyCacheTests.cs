using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Secrets;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Core.Tests.Platforms.PlayIntegrity;

public sealed class PlayIntegrityKeyCacheTests : IDisposable
{
    private readonly PlayIntegrityTokenFactory _factory = new();
    private readonly Dictionary<string, string> _secrets;
    private readonly PlayIntegrityKeyCache _cache;

    public PlayIntegrityKeyCacheTests()
    {
        _secrets = new()
        {
            ["pi-decryption"] = _factory.DecryptionKeyBase64,
            ["pi-verification"] = _factory.VerificationKeyBase64,
        };

        _cache = new PlayIntegrityKeyCache(new LiveSecretStore(_secrets), NullLogger.Instance);
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TheKeysAreParsedOnceWhileTheirSecretsAreUnchanged()
    {
        var first = await _cache.GetAsync("pi-decryption", "pi-verification");
        var second = await _cache.GetAsync("pi-decryption", "pi-verification");

        Assert.Same(first, second);
    }

    [Fact]
    public async Task ARotatedSecretIsParsedAgainAndItsKeysAreUsed()
    {
        var before = await _cache.GetAsync("pi-decryption", "pi-verification");
        using var rotated = new PlayIntegrityTokenFactory();
        _secrets["pi-decryption"] = rotated.DecryptionKeyBase64;
        _secrets["pi-verification"] = rotated.VerificationKeyBase64;

        var after = await _cache.GetAsync("pi-decryption", "pi-verification");

        Assert.NotSame(before, after);
        var token = rotated.CreateToken(PlayIntegrityTokenFactory.Verdict("com.contoso.demo", "challenge", DateTimeOffset.UnixEpoch, new string('A', 43)));
        Assert.Equal("com.contoso.demo", (await ClassicIntegrityToken.DecryptAndVerifyAsync(token, after)).RequestPackageName);
    }

    [Fact]
    public async Task AMissingSecretIsUnavailable()
    {
        var cache = new PlayIntegrityKeyCache(new ConfigurationSecretStore([new("pi-decryption", _factory.DecryptionKeyBase64)]), NullLogger.Instance);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => cache.GetAsync("pi-decryption", "pi-verification"));
    }

    [Fact]
    public async Task UnusableKeyMaterialIsUnavailableNotAnError()
    {
        _secrets["pi-decryption"] = Convert.ToBase64String(new byte[16]);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => _cache.GetAsync("pi-decryption", "pi-verification"));
    }

    /// <summary>Reads the dictionary on every call, so a test can rotate a secret as Key Vault would.</summary>
    private sealed class LiveSecretStore(Dictionary<string, string> secrets) : ISecretStore
    {
        public ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default) =>
            secrets.TryGetValue(name, out var value)
                ? ValueTask.FromResult(value)
                : ValueTask.FromException<string>(new DependencyUnavailableException("Secret store", new KeyNotFoundException(name)));
    }
}
