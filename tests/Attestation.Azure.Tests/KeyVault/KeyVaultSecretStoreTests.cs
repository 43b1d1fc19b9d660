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
    public async Task CallersThatAllWaitOnTheFirstReadShareIt()
    {
        // The vault holds its first answer until all eight callers are waiting, so none of them can find a cached value:
        // only the single flight keeps them to one load.
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var store = CreateStore();
        var held = _vault.HoldAnswers();

        var callers = Enumerable.Range(0, 8).Select(_ => store.GetSecretAsync(Name).AsTask()).ToList();
        await held.FirstArrived.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        held.Release();
        var values = await Task.WhenAll(callers);

        Assert.All(values, v => Assert.Equal("first", v));

        // One load is two reads: the version list, then the newest enabled version.
        Assert.Equal(2, _vault.SecretReads);
    }

    [Fact]
    public async Task ADisabledNewestVersionIsPassedOverForTheNewestEnabledOne()
    {
        // Disabling the newest version is how an operator rolls a secret back; Key Vault then refuses to read the secret
        // without a version (403 SecretDisabled), so a store that asked for "the latest" would answer 503 from then on.
        _vault.AddVersion(Name, "first", Start.AddDays(-3));
        _vault.AddVersion(Name, "second", Start.AddDays(-2));
        _vault.AddVersion(Name, "rolled-back", Start.AddDays(-1), enabled: false);

        Assert.Equal("second", await CreateStore().GetSecretAsync(Name));
    }

    [Fact]
    public async Task ASecretWithNoEnabledVersionIsUnavailableAndShowsNoValue()
    {
        _vault.AddVersion(Name, "do-not-echo", Start.AddDays(-1), enabled: false);

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => CreateStore().GetSecretAsync(Name).AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
        Assert.DoesNotContain("do-not-echo", outage.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNewestVersionIsFoundOnALaterPageOfTheList()
    {
        _vault.PageSize = 2;
        for (var day = 5; day >= 1; day--)
        {
            _vault.AddVersion(Name, $"day-{day}", Start.AddDays(-day));
        }

        Assert.Equal("day-1", await CreateStore().GetSecretAsync(Name));
    }

    [Fact]
    public async Task TheProductionClientRetriesATransientOutageAndAnswersTheVaultsChallenge()
    {
        // The SecretClient the backend builds (KeyVaultSigningKeyProvider.CreateClientOptions: fast retries, challenge
        // resource verification on), with only the transport replaced so that it reaches the fake and trusts its certificate.
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var options = KeyVaultSigningKeyProvider.CreateClientOptions();
        options.Transport = new global::Azure.Core.Pipeline.HttpClientTransport(_vault.CreateLoopbackHandler());

        // A vault's host is a subdomain of the challenge's resource (kv.vault.azure.net and vault.azure.net); here
        // vault.localhost and localhost, the handler connecting to the fake whatever the name.
        var vaultUri = new UriBuilder(_vault.VaultUri) { Host = "vault.localhost" }.Uri;
        var client = new global::Azure.Security.KeyVault.Secrets.SecretClient(vaultUri, _vault.Credential, options);
        _vault.AnswerUnavailable(2);

        var store = new KeyVaultSecretStore(client, TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSecretStore>.Instance);

        Assert.Equal("first", await store.GetSecretAsync(Name));
        Assert.Contains("https://localhost/.default", _vault.Credential.ScopesRequested);
    }

    [Fact]
    public async Task ATransientOutageWithoutRetriesIsUnavailable()
    {
        // The other side of the test above: the tests' own client does not retry, so the same outage is a 503.
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        _vault.AnswerUnavailable(2);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => CreateStore().GetSecretAsync(Name).AsTask());
    }

    [Theory]
    [InlineData(TransportFailureKind.Socket)]
    [InlineData(TransportFailureKind.Http)]
    [InlineData(TransportFailureKind.IO)]
    public async Task ABareTransportFailureIsUnavailable(TransportFailureKind kind)
    {
        // A connection reset can leave the SDK as a bare SocketException or IOException: the caller must see a 503, not a 500.
        _vault.AddVersion(Name, "first", Start.AddDays(-1));
        var failure = new TransportFailure(kind);
        var store = new KeyVaultSecretStore(_vault.CreateSecretClient(failure), TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSecretStore>.Instance);

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetSecretAsync(Name).AsTask());

        Assert.Equal("Key Vault", outage.Dependency);
        Assert.True(failure.Requests > 0);
    }

    [Fact]
    public async Task AClientWithAnotherTokenIsRefusedByTheVault()
    {
        _vault.AddVersion(Name, "do-not-echo", Start.AddDays(-1));
        var options = new global::Azure.Security.KeyVault.Secrets.SecretClientOptions
        {
            Transport = new global::Azure.Core.Pipeline.HttpClientTransport(_vault.CreateTrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 0;
        var client = new global::Azure.Security.KeyVault.Secrets.SecretClient(_vault.VaultUri, new OtherTokenCredential(), options);
        var store = new KeyVaultSecretStore(client, TimeSpan.FromMinutes(5), _clock, NullLogger<KeyVaultSecretStore>.Instance);

        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetSecretAsync(Name).AsTask());

        Assert.Equal(401, Assert.IsType<global::Azure.RequestFailedException>(outage.InnerException).Status);
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

    private sealed class OtherTokenCredential : global::Azure.Core.TokenCredential
    {
        public override global::Azure.Core.AccessToken GetToken(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("a-token-for-another-resource", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<global::Azure.Core.AccessToken> GetTokenAsync(global::Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
