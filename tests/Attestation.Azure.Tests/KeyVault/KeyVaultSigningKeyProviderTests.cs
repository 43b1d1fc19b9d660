using Attestation.Azure.KeyVault;
using Attestation.Core.Errors;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.KeyVault;

/// <summary>The Key Vault adapter against <see cref="FakeKeyVaultServer"/>, a local HTTPS fake of the secrets REST API.</summary>
public sealed class KeyVaultSigningKeyProviderTests : IAsyncLifetime
{
    private const string SecretName = "token-signing-key";
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private FakeKeyVaultServer _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeKeyVaultServer.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task TheNewestVersionSignsAndTheOneBeforeItVerifies()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start.AddDays(-20));
        var v3 = _vault.AddVersion(SecretName, Secret(3), Start.AddDays(-10));
        var provider = CreateProvider();

        var keys = await provider.GetKeysAsync();

        Assert.Equal(v3, keys.Current.Version);
        Assert.Equal(v2, keys.Previous!.Version);
    }

    [Fact]
    public async Task ADisabledVersionIsNeverThePreviousOne()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        _vault.AddVersion(SecretName, Secret(2), Start.AddDays(-20), enabled: false);
        _vault.AddVersion(SecretName, Secret(3), Start.AddDays(-10));
        var provider = CreateProvider();

        var keys = await provider.GetKeysAsync();

        Assert.Equal(v1, keys.Previous!.Version);
    }

    [Fact]
    public async Task AFirstVersionHasNoPrevious()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();

        Assert.Null((await provider.GetKeysAsync()).Previous);
    }

    [Fact]
    public async Task TheHotPathMakesNoKeyVaultCallWithinTheRefreshInterval()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();
        await provider.GetKeysAsync();
        var readsAfterLoad = _vault.SecretReads;

        for (var i = 0; i < 100; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            await provider.GetKeysAsync();
        }

        Assert.Equal(readsAfterLoad, _vault.SecretReads);
    }

    [Fact]
    public async Task FirstCallersThatAllWaitOnTheFirstReadShareOneLoad()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        using (var first = CreateProvider())
        {
            await first.GetKeysAsync();
        }

        var readsPerLoad = _vault.SecretReads;
        using var provider = CreateProvider();

        // The vault holds its first answer until all eight callers are waiting, so none of them can find cached keys.
        var held = _vault.HoldAnswers();
        var callers = Enumerable.Range(0, 8).Select(_ => provider.GetKeysAsync().AsTask()).ToList();
        await held.FirstArrived.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        held.Release();
        var keys = await Task.WhenAll(callers);

        Assert.All(keys, k => Assert.Same(keys[0], k));
        Assert.Equal(readsPerLoad, _vault.SecretReads - readsPerLoad);
    }

    [Fact]
    public async Task ANewVersionSignsAfterTheRefreshIntervalAndTheOldOneStillVerifies()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();
        Assert.Equal(v1, (await provider.GetKeysAsync()).Current.Version);

        var v2 = _vault.AddVersion(SecretName, Secret(2), Start);
        Assert.Equal(v1, (await provider.GetKeysAsync()).Current.Version);

        _clock.Advance(TimeSpan.FromMinutes(5));
        await provider.GetKeysAsync();
        await provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        var keys = await provider.GetKeysAsync();

        Assert.Equal(v2, keys.Current.Version);
        Assert.Equal(v1, keys.Previous!.Version);
    }

    [Fact]
    public async Task TheEndOfTheRefreshIntervalReloadsWithoutACaller()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        using var provider = CreateProvider();
        await provider.GetKeysAsync();
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start);
        var reads = _vault.SecretReads;

        _clock.Advance(TimeSpan.FromMinutes(5));
        await provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(_vault.SecretReads > reads);
        Assert.Equal(v2, (await provider.GetKeysAsync()).Current.Version);
    }

    [Fact]
    public async Task AFailedReloadIsRetriedByTheTimerHalfAMinuteLater()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        using var provider = CreateProvider();
        await provider.GetKeysAsync();
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start);
        _vault.Unavailable = true;

        _clock.Advance(TimeSpan.FromMinutes(5));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(v1, (await provider.GetKeysAsync()).Current.Version);

        _vault.Unavailable = false;
        _clock.Advance(TimeSpan.FromSeconds(30));
        await provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(v2, (await provider.GetKeysAsync()).Current.Version);
    }

    [Fact]
    public async Task ADisposedProviderNoLongerReloadsOnItsOwn()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();
        await provider.GetKeysAsync();
        var reads = _vault.SecretReads;

        provider.Dispose();
        _clock.Advance(TimeSpan.FromMinutes(10));
        await provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(reads, _vault.SecretReads);
    }

    [Fact]
    public async Task AnUnknownKidReloadsOnceWithinTheSpacing()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();
        await provider.GetKeysAsync();
        var v2 = _vault.AddVersion(SecretName, Secret(2), Start);

        var reloaded = await provider.GetKeysIncludingAsync(v2);
        Assert.Equal(v2, reloaded.Current.Version);

        var reads = _vault.SecretReads;
        var again = await provider.GetKeysIncludingAsync("attacker-chosen-kid");
        Assert.Equal(reads, _vault.SecretReads);
        Assert.Same(reloaded, again);

        _clock.Advance(TimeSpan.FromSeconds(6));
        await provider.GetKeysIncludingAsync("attacker-chosen-kid");
        Assert.True(_vault.SecretReads > reads);
    }

    [Fact]
    public async Task ADisabledNewestVersionDoesNotSign()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        _vault.AddVersion(SecretName, Secret(2), Start.AddDays(-1), enabled: false);

        var keys = await CreateProvider().GetKeysAsync();

        Assert.Equal(v1, keys.Current.Version);
        Assert.Null(keys.Previous);
    }

    [Fact]
    public async Task AFailedFirstLoadIsRememberedBrieflyInsteadOfRepeatedPerRequest()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        _vault.Unavailable = true;
        var provider = CreateProvider();
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());
        var reads = _vault.RequestsSeen;

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());
        }

        Assert.Equal(reads, _vault.RequestsSeen);
        Assert.False(await provider.IsHealthyAsync());

        _vault.Unavailable = false;
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.NotNull(await provider.GetKeysAsync());
        Assert.True(await provider.IsHealthyAsync());
    }

    [Fact]
    public async Task AVaultOutageBeforeTheFirstLoadIsADependencyOutage()
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        _vault.Unavailable = true;
        var provider = CreateProvider();

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
    }

    [Theory]
    [InlineData(TransportFailureKind.Socket)]
    [InlineData(TransportFailureKind.IO)]
    public async Task ABareTransportFailureBeforeTheFirstLoadIsADependencyOutage(TransportFailureKind kind)
    {
        _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var failure = new TransportFailure(kind);
        var provider = new KeyVaultSigningKeyProvider(_vault.CreateSecretClient(failure), SecretName, TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSigningKeyProvider>.Instance);

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
        Assert.True(failure.Requests > 0);
    }

    [Fact]
    public async Task AVaultOutageAfterTheFirstLoadKeepsTheCachedKeys()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), Start.AddDays(-30));
        var provider = CreateProvider();
        await provider.GetKeysAsync();

        _vault.Unavailable = true;
        _clock.Advance(TimeSpan.FromMinutes(6));
        await provider.GetKeysAsync();
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(v1, (await provider.GetKeysAsync()).Current.Version);
    }

    [Fact]
    public async Task ASecretThatIsNotAUsableKeyIsRefusedWithoutEchoingIt()
    {
        _vault.AddVersion(SecretName, "short-secret", Start.AddDays(-30));
        var provider = CreateProvider();

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.GetKeysAsync().AsTask());

        Assert.DoesNotContain("short-secret", outage.ToString(), StringComparison.Ordinal);
    }

    private KeyVaultSigningKeyProvider CreateProvider() =>
        new(_vault.CreateSecretClient(), SecretName, TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSigningKeyProvider>.Instance);

    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());
}
