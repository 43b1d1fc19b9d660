using System.Net;
using Attestation.Core;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Attestation.Functions.Tests;

/// <summary>The backend with its signing key in (a local fake of) Key Vault, through a rotation.</summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string SecretName = "token-signing-key";
    private FakeKeyVaultServer _vault = null!;
    private RunningBackend _backend = null!;
    private string _v1 = "";

    public async Task InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync();
        _v1 = _vault.AddVersion(SecretName, Secret(1), DateTimeOffset.UtcNow.AddDays(-1));
        var client = _vault.CreateSecretClient();
        _backend = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(client),
            settings: [$"--Attestation:SigningKey:KeyVaultUri={_vault.VaultUri}", $"--Attestation:SigningKey:SecretName={SecretName}"]);
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
        Assert.Contains(_v1, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token.Split('.')[0]))), StringComparison.Ordinal);
        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ATokenSignedByAnotherInstanceWithANewerVersionVerifiesAtOnce()
    {
        (await _backend.AttestDebugAsync()).Dispose();
        var v2 = _vault.AddVersion(SecretName, Secret(2), DateTimeOffset.UtcNow);
        var otherInstance = new TokenIssuer(_backend.Services.GetRequiredService<IOptions<TokenOptions>>(), TimeProvider.System);
        var deviceId = Attestation.Core.Text.Base64Flexible.Sha256Base64Url(RunningBackend.DebugToken);

        var token = otherInstance.Issue(new SigningKeySet(SigningKey.FromBase64(v2, Secret(2))!, null), new TokenSubject(deviceId, RunningBackend.DemoApp, Platforms.Debug, null)).Token;

        Assert.True((await _backend.VerifyAsync(token)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task HealthIsDegradedWhileTheVaultFailsAndOkOnceItAnswers()
    {
        using (var ok = await _backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        _vault.Unavailable = true;
        var provider = _backend.Services.GetRequiredService<ISigningKeyProvider>();
        await Assert.ThrowsAnyAsync<Exception>(() => ((Attestation.Azure.KeyVault.KeyVaultSigningKeyProvider)provider).RefreshAsync());
        using (var degraded = await _backend.Client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, degraded.StatusCode);
        }

        // Cached keys keep serving tokens through the outage.
        using (var attested = await _backend.AttestDebugAsync())
        {
            Assert.Equal(HttpStatusCode.OK, attested.StatusCode);
        }

        _vault.Unavailable = false;
        await ((Attestation.Azure.KeyVault.KeyVaultSigningKeyProvider)provider).RefreshAsync();
        using var recovered = await _backend.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    private static string Secret(byte fill) => Convert.ToBase64String(Enumerable.Repeat(fill, 32).ToArray());

    private static string Pad(string base64Url) => base64Url.Replace('-', '+').Replace('_', '/') + new string('=', (4 - base64Url.Length % 4) % 4);
}
