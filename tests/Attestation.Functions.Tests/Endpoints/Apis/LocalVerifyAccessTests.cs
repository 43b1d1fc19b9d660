using System.Net;
using System.Net.Http.Json;
using Attestation.Functions.Security;
using Attestation.TestSupport;

namespace Attestation.Functions.Tests.Endpoints.Apis;

/// <summary>
/// verify on a developer machine with nothing configured (the local sample) is open, as <c>func start</c> leaves
/// function-key routes open; anywhere a key, Entra ID, or Azure is in play it is not.
/// </summary>
public sealed class LocalVerifyAccessTests
{
    [Fact]
    public async Task TheLocalSampleLetsACallerWithoutAKeyVerifyAndSaysSoInTheLog()
    {
        using var logs = new CapturingLoggerProvider();
        await using var backend = await RunningBackend.StartAsync(logs: logs, configureVerifyKey: false);
        using var attested = await backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString();

        using var response = await backend.Anonymous.PostAsJsonAsync("/api/v1/verify", new { token });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await RunningBackend.ReadJsonAsync(response)).GetProperty("valid").GetBoolean());
        Assert.Contains(logs.Lines, line => line.Contains("verify is open to every caller", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABackendWithAVerifyKeyRefusesACallerWithoutOne()
    {
        await using var backend = await RunningBackend.StartAsync();

        using var response = await backend.Anonymous.PostAsJsonAsync("/api/v1/verify", new { token = "a.b.c" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData(false, false, false, true)]
    [InlineData(true, false, false, false)]
    [InlineData(false, true, false, false)]
    [InlineData(false, false, true, false)]
    public void VerifyIsOpenOnlyOutsideAzureWithNothingConfigured(bool withKey, bool withEntraId, bool production, bool open)
    {
        var authorization = new CallerAuthorizationOptions();
        if (withKey)
        {
            authorization.VerifyKeySha256.Add(new string('a', 64));
        }

        var entraId = new EntraIdOptions { TenantId = withEntraId ? Guid.NewGuid().ToString() : null, ClientId = withEntraId ? Guid.NewGuid().ToString() : null };

        Assert.Equal(open, CallerAuthorization.IsVerifyOpen(authorization, entraId, production));
    }
}
