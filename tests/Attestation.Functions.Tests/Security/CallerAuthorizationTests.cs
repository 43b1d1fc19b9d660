using System.Net;
using Attestation.Functions.Endpoints.Operators;
using Attestation.Functions.Security;
using Attestation.LocalHost;

namespace Attestation.Functions.Tests.Security;

/// <summary>
/// Who may call the admin API and verify, proven over HTTP against tokens that Microsoft.Identity.Web validates with the
/// keys of a fake Entra ID: each kind of bad token is refused, the right role is accepted.
/// </summary>
public class CallerAuthorizationTests(EntraIdBackendFixture fixture) : IClassFixture<EntraIdBackendFixture>
{
    private const string AdminApps = "/api/v1/admin/apps";

    [Fact]
    public async Task AnAdminRouteWithoutATokenIs401WithABearerChallenge()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task AnAdminRouteWithTheAdminRoleIsServed()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, fixture.AdminToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIs401()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, "api://some-other-api", [CallerAuthorization.AdminRole]);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("api://" + EntraIdBackendFixture.ClientId)]
    [InlineData(EntraIdBackendFixture.ClientId)]
    public async Task AVersion1TokenForThisApiIsServed(string audience)
    {
        // What an app registration left at its default (requestedAccessTokenVersion null) is issued, as the README's
        // setup steps leave it: issuer https://sts.windows.net/{tenant}/, audience the Application ID URI.
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, audience, [CallerAuthorization.AdminRole], version: 1);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AVersion2TokenForTheApplicationIdUriIsServed()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, "api://" + EntraIdBackendFixture.ClientId, [CallerAuthorization.AdminRole]);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AVersion1TokenFromAnotherTenantIs401()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.OtherTenantId, "api://" + EntraIdBackendFixture.ClientId, [CallerAuthorization.AdminRole], version: 1);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("api://0b9e8d7c-0000-4e3d-8c2b-1a0f9e8d7c6b")]
    [InlineData("https://graph.microsoft.com")]
    public async Task AVersion1TokenForAnotherApiIs401(string audience)
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, audience, [CallerAuthorization.AdminRole], version: 1);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AVersion1TokenWithoutTheAdminRoleIs403()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, "api://" + EntraIdBackendFixture.ClientId, [CallerAuthorization.VerifyRole], version: 1);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ATokenFromAnotherTenantIs401()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.OtherTenantId, EntraIdBackendFixture.ClientId, [CallerAuthorization.AdminRole]);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AnExpiredTokenIs401()
    {
        // Past the validator's clock skew (5 minutes by default), so that the test does not hinge on it.
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, EntraIdBackendFixture.ClientId, [CallerAuthorization.AdminRole], expires: issued.AddHours(1), issuedAt: issued);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task ATokenSignedByAKeyTheTenantDoesNotPublishIs401()
    {
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, EntraIdBackendFixture.ClientId, [CallerAuthorization.AdminRole], signWithUnknownKey: true);

        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, token);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task AValidTokenWithoutTheAdminRoleIs403()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, AdminApps, fixture.Token(CallerAuthorization.VerifyRole));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(CallerAuthorization.AdminRole, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVerifyKeyOpensNoAdminRoute()
    {
        using var response = await fixture.Backend.Client.GetAsync(AdminApps);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task EveryAdminRouteRefusesACallerWithoutAToken()
    {
        // Walks the route table, so that an admin function added without the caller check fails here.
        var admin = FunctionCatalog.Discover(typeof(AdminAppsFunction).Assembly).Http.Where(f => f.Route.StartsWith("v1/admin/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(admin);
        foreach (var function in admin)
        {
            var path = "/api/" + function.Route.Replace("{appId}", "com.contoso.demo", StringComparison.Ordinal)
                .Replace("{deviceId}", "AAAA", StringComparison.Ordinal).Replace("{tokenId}", "AAAA", StringComparison.Ordinal);
            foreach (var method in function.HttpMethods)
            {
                using var response = await fixture.SendAsync(new HttpMethod(method), path, token: null, body: method is "POST" or "PUT" ? new { } : null);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without a token");
            }
        }
    }

    [Fact]
    public async Task VerifyWithoutAKeyOrATokenIs401()
    {
        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/v1/verify", token: null, body: new { token = "a.b.c" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task VerifyWithAWrongKeyIs401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verify") { Content = System.Net.Http.Json.JsonContent.Create(new { token = "a.b.c" }) };
        request.Headers.Add(CallerAuthorization.KeyHeader, "not-the-verify-key");

        using var response = await fixture.Backend.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task VerifyWithAWrongKeyIs401EvenForAValidTokenAndConsumesNothing()
    {
        using var attested = await fixture.Backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/verify") { Content = System.Net.Http.Json.JsonContent.Create(new { token, consume = true }) };
        request.Headers.Add(CallerAuthorization.KeyHeader, "not-the-verify-key");

        using var response = await fixture.Backend.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.True((await fixture.Backend.VerifyAsync(token!, consume: true)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task VerifyTakesTheKeyAsACodeQueryParameterToo()
    {
        using var response = await fixture.Backend.Anonymous.PostAsync(
            $"/api/v1/verify?code={RunningBackend.VerifyKey}", System.Net.Http.Json.JsonContent.Create(new { token = "a.b.c" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task VerifyWithATokenHoldingTheVerifyRoleChecksTheAttestationToken()
    {
        using var attested = await fixture.Backend.AttestDebugAsync();
        var token = (await RunningBackend.ReadJsonAsync(attested)).GetProperty("token").GetString();

        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/v1/verify", fixture.Token(CallerAuthorization.VerifyRole), new { token });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await RunningBackend.ReadJsonAsync(response)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task VerifyWithATokenHoldingOnlyTheAdminRoleIs403()
    {
        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/v1/verify", fixture.AdminToken(), new { token = "a.b.c" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task VerifyWithAnExpiredTokenIs401()
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        var token = fixture.EntraId.CreateAccessToken(EntraIdBackendFixture.TenantId, EntraIdBackendFixture.ClientId, [CallerAuthorization.VerifyRole], expires: issued.AddHours(1), issuedAt: issued);

        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/v1/verify", token, new { token = "a.b.c" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task WithoutEntraIdConfiguredNoBearerTokenIsAccepted()
    {
        await using var backend = await RunningBackend.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, AdminApps);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken());

        using var response = await backend.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
