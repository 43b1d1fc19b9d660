using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Azure.KeyVault;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Attestation.Functions.Tests;

/// <summary>ES256 mode with its P-256 key in (a local fake of) Key Vault, through rotations: the JWKS follows the vault.</summary>
public sealed class Es256KeyRotationTests : IAsyncLifetime
{
    private const string SecretName = "token-signing-key-es256";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeKeyVaultServer _vault = null!;
    private RunningBackend _backend = null!;
    private string _v1 = "";

    public async Task InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync();
        _v1 = _vault.AddVersion(SecretName, NewPkcs8(), _clock.GetUtcNow().AddDays(-1));
        _vault.AddVersion("challenge-key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _clock.GetUtcNow().AddDays(-1));
        var client = _vault.CreateSecretClient();
        _backend = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(client).AddSingleton<TimeProvider>(_clock),
            settings:
            [
                "--Attestation:Token:Algorithm=ES256",
                $"--Attestation:SigningKey:KeyVaultUri={_vault.VaultUri}",
                $"--Attestation:SigningKey:SecretName={SecretName}",
                $"--Attestation:SigningKey:RefreshInterval={RefreshInterval}",
            ]);
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _vault.DisposeAsync();
    }

    [Fact]
    public async Task ARotationPublishesTheNewKeyKeepsThePreviousAndBreaksNoLiveToken()
    {
        var signedWithV1 = await AttestAsync();
        Assert.Equal(_v1, new JsonWebToken(signedWithV1).Kid);
        Assert.Equal([_v1], await PublishedKidsAsync());

        var v2 = _vault.AddVersion(SecretName, NewPkcs8(), _clock.GetUtcNow());
        await PassTheRefreshIntervalAsync();
        var signedWithV2 = await AttestAsync();

        Assert.Equal(v2, new JsonWebToken(signedWithV2).Kid);
        Assert.Equal([v2, _v1], await PublishedKidsAsync());
        Assert.True((await _backend.VerifyAsync(signedWithV1)).GetProperty("valid").GetBoolean(), "a token of the previous version verifies until it expires");
        Assert.True((await _backend.VerifyAsync(signedWithV2)).GetProperty("valid").GetBoolean());

        var v3 = _vault.AddVersion(SecretName, NewPkcs8(), _clock.GetUtcNow());
        await PassTheRefreshIntervalAsync();

        Assert.Equal([v3, v2], await PublishedKidsAsync());
        Assert.Equal("bad_signature", (await _backend.VerifyAsync(signedWithV1)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AVersionThatHoldsNoP256KeyIsAnOutageNotAKeyOfAnotherKind()
    {
        // An HS256 secret written into the ES256 secret by mistake: the instance keeps its loaded keys rather than using it.
        Assert.Equal(_v1, new JsonWebToken(await AttestAsync()).Kid);
        _vault.AddVersion(SecretName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _clock.GetUtcNow());
        _clock.Advance(RefreshInterval);
        try
        {
            await Provider().BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Attestation.Core.Errors.DependencyUnavailableException)
        {
            // The reload's failure shows in the health answer below.
        }

        Assert.Equal(_v1, new JsonWebToken(await AttestAsync()).Kid);
        Assert.Equal([_v1], await PublishedKidsAsync());
        using var health = await _backend.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    private KeyVaultSigningKeyProvider Provider() => (KeyVaultSigningKeyProvider)_backend.Services.GetRequiredService<ISigningKeyProvider>();

    private async Task PassTheRefreshIntervalAsync()
    {
        _clock.Advance(RefreshInterval);
        await Provider().BackgroundRefresh.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<string[]> PublishedKidsAsync()
    {
        using var response = await _backend.Anonymous.GetAsync("/api/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    private async Task<string> AttestAsync()
    {
        using var response = await _backend.AttestDebugAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    private static string NewPkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey());
    }
}
