using System.Net;
using Attestation.Core.Tokens;
using Attestation.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.AspNetCore.Tests;

/// <summary>HS256 keys from the backend's Key Vault secret, against the local Key Vault fake (no emulator exists).</summary>
public sealed class KeyVaultKeySourceTests : IAsyncLifetime
{
    private const string SecretName = "token-signing-key";
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);
    private FakeKeyVaultServer _vault = null!;
    private ProtectedApi _api = null!;

    public async Task InitializeAsync()
    {
        _vault = await FakeKeyVaultServer.StartAsync();
        _api = await ProtectedApi.StartAsync(_clock, options => options.SecretClient = _vault.CreateSecretClient());
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _vault.DisposeAsync();
    }

    [Fact]
    public async Task TheNewestTwoEnabledVersionsVerifyAndNoOlderOne()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), TestTokens.Now.AddDays(-30));
        var v2 = _vault.AddVersion(SecretName, Secret(2), TestTokens.Now.AddDays(-20));
        var v3 = _vault.AddVersion(SecretName, Secret(3), TestTokens.Now.AddDays(-10));

        Assert.Equal(HttpStatusCode.OK, await StatusOfTokenSignedWith(v3, Secret(3)));
        Assert.Equal(HttpStatusCode.OK, await StatusOfTokenSignedWith(v2, Secret(2)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfTokenSignedWith(v1, Secret(1)));
    }

    [Fact]
    public async Task ADisabledNewestVersionIsARollback()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), TestTokens.Now.AddDays(-30));
        var v2 = _vault.AddVersion(SecretName, Secret(2), TestTokens.Now.AddDays(-20), enabled: false);

        Assert.Equal(HttpStatusCode.OK, await StatusOfTokenSignedWith(v1, Secret(1)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfTokenSignedWith(v2, Secret(2)));
    }

    [Fact]
    public async Task AVersionAddedAfterTheFirstReadIsReadOnItsFirstToken()
    {
        var v1 = _vault.AddVersion(SecretName, Secret(1), TestTokens.Now.AddDays(-30));
        Assert.Equal(HttpStatusCode.OK, await StatusOfTokenSignedWith(v1, Secret(1)));

        var v2 = _vault.AddVersion(SecretName, Secret(2), TestTokens.Now.AddMinutes(-1));

        Assert.Equal(HttpStatusCode.OK, await StatusOfTokenSignedWith(v2, Secret(2)));
    }

    [Fact]
    public async Task AVaultThatCannotBeReadAnswers503()
    {
        _vault.Unavailable = true;

        using var response = await _api.WhoAmIAsync(new TestTokens(_clock).Issue());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<HttpStatusCode> StatusOfTokenSignedWith(string version, string secret)
    {
        var tokens = new TestTokens(_clock);
        var token = tokens.Signer.Issue(new SigningKeySet(SigningKey.FromBase64(version, secret)!, null), new TokenSubject("device-1", TestTokens.DemoApp, "debug", null)).Token;
        using var response = await _api.WhoAmIAsync(token);
        return response.StatusCode;
    }

    private static string Secret(int seed) => Convert.ToBase64String(Enumerable.Range(seed, 32).Select(i => (byte)i).ToArray());
}
