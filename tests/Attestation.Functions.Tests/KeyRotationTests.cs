using System.Net;
using Attestation.Azure.KeyVault;
using Attestation.Core;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Functions.Tests;

/// <summary>The backend with its signing key in (a local fake of) Key Vault, through a rotation.</summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string SecretName = "token-signing-key";
    private const string ChallengeKeySecretName = "challenge-key";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeKeyVaultServer _vault = null!;
    private RunningBackend _backend = null!;
    private string _v1 = "";
    private string _c1 = "";

    public async Task InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync();
        _v1 = _vault.AddVersion(SecretName, Secret(1), _clock.GetUtcNow().AddDays(-1));
        _c1 = _vault.AddVersion(ChallengeKeySecretName, Secret(11), _clock.GetUtcNow().AddDays(-1));
        var client = _vault.CreateSecretClient();
        _backend = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(client).AddSingleton<TimeProvider>(_clock),
            settings:
            [
                $"--Attestation:SigningKey:KeyVaultUri={_vault.VaultUri}",
                $"--Attestation:SigningKey:SecretName={SecretName}",
                $"--Attestation:SigningKey:RefreshInterval={RefreshInterval}",
                $"--Attestation:ChallengeKey:RefreshInterval={RefreshInterval}",
                "--Attestation:Token:Lifetime=00:05:00",
            ]);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _vault.DisposeAsync();
    }

    [Fact]
    public async Task TokensAreSignedWithTheVaultsVersion()
    {
        using var response = await _backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_v1, KeyIdOf(token));
        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ANewVersionSignsOnceTheRefreshIntervalPassesAndTheVersionTwoBackIsRefused()
    {
        var signedWithV1 = await AttestAsync();
        Assert.Equal(_v1, KeyIdOf(signedWithV1));

        // Within the refresh interval the cached version keeps signing: the token path does not call Key Vault.
        var v2 = _vault.AddVersion(SecretName, Secret(2), _clock.GetUtcNow());
        Assert.Equal(_v1, KeyIdOf(await AttestAsync()));

        await PassTheRefreshIntervalAsync();
        var signedWithV2 = await AttestAsync();

        Assert.Equal(v2, KeyIdOf(signedWithV2));
        Assert.True((await _backend.VerifyAsync(signedWithV2)).GetProperty("valid").GetBoolean());
        Assert.True((await _backend.VerifyAsync(signedWithV1)).GetProperty("valid").GetBoolean(), "a token of the previous version verifies until it expires");

        var v3 = _vault.AddVersion(SecretName, Secret(3), _clock.GetUtcNow());
        await PassTheRefreshIntervalAsync();
        var signedWithV3 = await AttestAsync();

        Assert.Equal(v3, KeyIdOf(signedWithV3));
        Assert.True((await _backend.VerifyAsync(signedWithV2)).GetProperty("valid").GetBoolean());

        // Not expired (two intervals of one minute are less than its five), but its version is two back: refused.
        Assert.True(ExpiryOf(signedWithV1) > _clock.GetUtcNow());
        var refused = await _backend.VerifyAsync(signedWithV1);
        Assert.False(refused.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenOfThePreviousVersionIsRefusedOnceItExpires()
    {
        var signedWithV1 = await AttestAsync();
        _vault.AddVersion(SecretName, Secret(2), _clock.GetUtcNow());
        await PassTheRefreshIntervalAsync();
        Assert.True((await _backend.VerifyAsync(signedWithV1)).GetProperty("valid").GetBoolean());

        _clock.Advance(ExpiryOf(signedWithV1) - _clock.GetUtcNow());
        var refused = await _backend.VerifyAsync(signedWithV1);

        Assert.False(refused.GetProperty("valid").GetBoolean());
        Assert.Equal("expired", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATokenSignedByAnotherInstanceWithANewerVersionVerifiesAtOnce()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var v2 = _vault.AddVersion(SecretName, Secret(2), _clock.GetUtcNow());
        var otherInstance = new TokenIssuer(_backend.Services.GetRequiredService<IOptions<TokenOptions>>(), _clock);
        var deviceId = Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);

        var token = otherInstance.Issue(new SigningKeySet(SigningKey.FromBase64(v2, Secret(2))!, null), new TokenSubject(deviceId, RunningBackend.DemoApp, PlatformNames.Debug, null)).Token;

        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task HealthIsDegradedWhileTheVaultFailsAndOkOnceItAnswers()
    {
        using (var ok = await _backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Both keys are loaded before the outage (a challenge loads the challenge key).
        var challenge = await _backend.ChallengeAsync();
        _vault.Unavailable = true;
        var provider = Provider();
        var outage = await Assert.ThrowsAsync<DependencyUnavailableException>(() => provider.RefreshAsync());
        Assert.Equal("Key Vault", outage.Dependency);
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, Assert.IsType<RequestFailedException>(outage.InnerException).Status);
        using (var degraded = await _backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, degraded.StatusCode);
        }

        // Cached keys keep serving challenges and tokens through the outage.
        using (var attested = await _backend.AttestDebugAsync(challenge: challenge))
        {
            Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        }

        _vault.Unavailable = false;
        await provider.RefreshAsync();
        using var recovered = await _backend.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task AChallengeOfThePreviousChallengeKeyIsRedeemedAfterARotationAndOneTwoVersionsBackIsRefused()
    {
        var sealedWithC1 = await _backend.ChallengeAsync();
        _vault.AddVersion(ChallengeKeySecretName, Secret(12), _clock.GetUtcNow());
        await PassTheChallengeKeyRefreshIntervalAsync();
        var sealedWithC2 = await _backend.ChallengeAsync();
        Assert.NotEqual(ChallengeKeyIdOf(sealedWithC1), ChallengeKeyIdOf(sealedWithC2));

        using (var previous = await _backend.AttestDebugAsync(challenge: sealedWithC1))
        {
            Assert.Equal(HttpStatusCode.OK, previous.StatusCode);
        }

        _vault.AddVersion(ChallengeKeySecretName, Secret(13), _clock.GetUtcNow());
        await PassTheChallengeKeyRefreshIntervalAsync();
        using (var previous = await _backend.AttestDebugAsync(challenge: sealedWithC2))
        {
            Assert.Equal(HttpStatusCode.OK, previous.StatusCode);
        }

        // Sealed now by an instance that missed both rotations, so within its lifetime, but two versions back: refused.
        var sealedWithC1Now = await IssueWithAsync(_c1, Secret(11));
        using var refused = await _backend.AttestDebugAsync(challenge: sealedWithC1Now);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Unauthorized, "challenge_invalid");
    }

    private static string ChallengeKeyIdOf(string challenge) => Convert.ToHexString(System.Buffers.Text.Base64Url.DecodeFromChars(challenge).AsSpan(1, 4));

    private async Task<string> IssueWithAsync(string version, string secret)
    {
        var keys = new Attestation.Core.Challenges.ChallengeKeySet(Attestation.Core.Challenges.ChallengeKey.FromBase64(version, secret)!, null);
        var service = new Attestation.Core.Challenges.ChallengeService(
            new Attestation.Azure.Tables.TableUsedChallengeStore(_backend.Services.GetRequiredService<Attestation.Azure.Tables.TableStorage>()),
            new FixedChallengeKeys(keys),
            _backend.Services.GetRequiredService<IOptions<Attestation.Core.Challenges.ChallengeOptions>>(),
            _clock);
        return (await service.IssueAsync(RunningBackend.DemoApp)).Value;
    }

    private async Task PassTheChallengeKeyRefreshIntervalAsync()
    {
        var provider = (KeyVaultChallengeKeyProvider)_backend.Services.GetRequiredService<Attestation.Core.Challenges.IChallengeKeyProvider>();
        _clock.Advance(RefreshInterval);
        await provider.BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        await Provider().BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private KeyVaultSigningKeyProvider Provider() => (KeyVaultSigningKeyProvider)_backend.Services.GetRequiredService<ISigningKeyProvider>();

    /// <summary>
    /// Moves the clock to the end of the refresh interval, where the provider's timer starts a reload in the background with
    /// no request needed; the test waits for that reload (a Key Vault read) instead of polling.
    /// </summary>
    private async Task PassTheRefreshIntervalAsync()
    {
        var readsBefore = _vault.SecretReads;
        _clock.Advance(RefreshInterval);
        await Provider().BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(_vault.SecretReads > readsBefore, "the refresh interval's end reloads the versions");
    }

    private async Task<string> AttestAsync()
    {
        using var response = await _backend.AttestDebugAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    private static string KeyIdOf(string token) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Kid;

    private static DateTimeOffset ExpiryOf(string token) => new(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).ValidTo, TimeSpan.Zero);

    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());
}
