using Attestation.Azure.KeyVault;
using Attestation.Core.Errors;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.KeyVault;

/// <summary>The Key Vault secret store against <see cref="FakeKeyVaultServer"/>, a local HTTPS fake of the secrets REST API.</summary>
public sealed class KeyVaultSecretStoreTests : IAsyncLifetime
{
    private const string Name = "play-integrity-decryption-key";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private FakeKeyVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task TheLatestVersionOfASecretIsRead()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-2));
        _vault.AddVersion(Name, "second", Start.AddDays(-1));

        Assert.Equal("second", await CreateStore().GetSecretAsync(Name));
    }

    [Fact]
    public async Task WithinTheRefreshIntervalTheVaultIsNotAskedAgain()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var store = CreateStore();
        await store.GetSecretAsync(Name);
        var reads = _vault.SecretReads;

        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal("first", await store.GetSecretAsync(Name));
        }

        Assert.Equal(reads, _vault.SecretReads);
    }

    [Fact]
    public async Task ARotatedSecretIsSeenAfterTheRefreshInterval()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var store = CreateStore();
        await store.GetSecretAsync(Name);

        _vault.AddVersion(Name, "rotated", Start);
        Assert.Equal("first", await store.GetSecretAsync(Name));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("rotated", await store.GetSecretAsync(Name));
    }

    [Fact]
    public async Task ConcurrentCallersShareOneRead()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var store = CreateStore();

        var values = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await store.GetSecretAsync(Name))));

        Assert.All(values, v => Assert.Equal("first", v));
        Assert.Equal(1, _vault.SecretReads);
    }

    [Fact]
    public async Task AnOutageBeforeTheFirstReadIsUnavailable()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        _vault.Unavailable = true;

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => CreateStore().GetSecretAsync(Name).AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
    }

    [Fact]
    public async Task AnOutageAfterAReadKeepsTheCachedValueAndPausesBeforeTryingAgain()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var store = CreateStore();
        await store.GetSecretAsync(Name);

        _vault.Unavailable = true;
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("first", await store.GetSecretAsync(Name));
        var requests = _vault.RequestsSeen;

        Assert.Equal("first", await store.GetSecretAsync(Name));
        Assert.Equal(requests, _vault.RequestsSeen);
    }

    [Fact]
    public async Task AFailedFirstReadIsRememberedBrieflyInsteadOfRepeatedPerRequest()
    {
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        _vault.Unavailable = true;
        var store = CreateStore();
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetSecretAsync(Name).AsTask());
        var requests = _vault.RequestsSeen;

        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(400));
            await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetSecretAsync(Name).AsTask());
        }

        Assert.Equal(requests, _vault.RequestsSeen);

        _vault.Unavailable = false;
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("first", await store.GetSecretAsync(Name));
    }

    [Fact]
    public async Task AMissingSecretIsUnavailableAndNamesNoValue()
    {
        _vault.AddVersion("another-secret", "do-not-echo", Start.AddDays(-1));

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => CreateStore().GetSecretAsync(Name).AsTask());

        Assert.DoesNotContain("do-not-echo", outage.ToString(), StringComparison.Ordinal);
    }

    private KeyVaultSecretStore CreateStore() =>
        new(_vault.CreateSecretClient(), TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSecretStore>.Instance);
}
