using Attestation.Azure.KeyVault;
using Attestation.Core.Challenges;
using Attestation.Core.Errors;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.KeyVault;

/// <summary>
/// The challenge key from <see cref="FakeKeyVaultServer"/>. Loading, caching and reloading are the signing key's
/// (<see cref="KeyVaultKeyVersions{TKeys}"/>, covered in depth by <see cref="KeyVaultSigningKeyProviderTests"/>); these
/// tests cover what is the challenge key's own: versions by key id.
/// </summary>
public sealed class KeyVaultChallengeKeyProviderTests : IAsyncLifetime
{
    private const string SecretName = "challenge-key";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private FakeKeyVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task TheNewestVersionSealsAndTheOneBeforeItIsFoundByItsKeyId()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start.AddDays(-20));
        var v3 = _vault.AddVersion(SecretName, Secret(3), Start.AddDays(-10));
        using var provider = CreateProvider();

        var keys = await provider.GetKeysAsync();

        Assert.Equal(v3, keys.Current.Version);
        Assert.Same(keys.Previous, keys.Find(ChallengeKey.KeyIdOf(v2)));
        Assert.Equal(v2, keys.Previous!.Version);
    }

    [Fact]
    public async Task AnUnknownKeyIdReloadsOnceWithinTheSpacing()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        using var provider = CreateProvider();
        await provider.GetKeysAsync();
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start);

        var reloaded = await provider.GetKeysIncludingAsync(ChallengeKey.KeyIdOf(v2));
        Assert.Equal(v2, reloaded.Current.Version);

        var reads = _vault.SecretReads;
        Assert.Same(reloaded, await provider.GetKeysIncludingAsync(0xdeadbeef));
        Assert.Equal(reads, _vault.SecretReads);
    }

    [Fact]
    public async Task ADisabledNewestVersionDoesNotSealAndTheNewestIsFoundOnALaterPage()
    {
        _vault.PageSize = 1;
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start.AddDays(-20));
        var v3 = _vault.AddVersion(SecretName, Secret(3), Start.AddDays(-10));
        _vault.AddVersion(SecretName, Secret(4), Start.AddDays(-1), enabled: false);
        using var provider = CreateProvider();

        var keys = await provider.GetKeysAsync();

        Assert.Equal(v3, keys.Current.Version);
        Assert.Equal(v2, keys.Previous!.Version);
    }

    [Fact]
    public async Task AVersionThatIsNoKeyIsADependencyOutageThatShowsNoValue()
    {
        _vault.AddVersion(SecretName, "short-secret", Start.AddDays(-1));
        using var provider = CreateProvider();

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
        Assert.DoesNotContain("short-secret", outage.ToString(), StringComparison.Ordinal);
    }

    private KeyVaultChallengeKeyProvider CreateProvider() =>
        new(_vault.CreateSecretClient(), SecretName, TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultChallengeKeyProvider>.Instance);

    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());
}
