using System.Net.Http.Json;
using System.Text.Json;
using Attestation.Cli.Admin;
using Attestation.Functions.Security;
using Attestation.LocalHost;
using Attestation.TestSupport;
using Azure.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Web;

namespace Attestation.Cli.Tests.Admin;

/// <summary>
/// The local host serving the Functions app (the demo apps of local.settings.sample.json, tables on Azurite under a
/// prefix of its own) whose Entra ID is <see cref="FakeEntraIdServer"/>: the backend validates the CLI's bearer tokens
/// with Microsoft.Identity.Web exactly as it would Entra ID's (the same setup as the Functions tests' admin fixture).
/// </summary>
public sealed class AdminBackendFixture : IAsyncLifetime
{
    public const string TenantId = "8a1f0c57-3d0e-4b7a-9c61-2f4d5e6a7b80";
    public const string ClientId = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";
    public const string DemoApp = "com.contoso.demo";

    private WebApplication _app = null!;

    public FakeEntraIdServer EntraId { get; private set; } = null!;

    /// <summary>The host's root, e.g. <c>http://127.0.0.1:12345/</c>; the API is under <c>/api</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client for the app-facing routes (challenge, attest), which take no credential.</summary>
    public HttpClient Apps { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        EntraId = await FakeEntraIdServer.StartAsync();
        string[] args =
        [
            $"--LocalHost:Settings={Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")}",
            $"--Attestation:Storage:ConnectionString={await SharedAzurite.GetConnectionStringAsync()}",
            $"--Attestation:Storage:TablePrefix={SharedAzurite.NewTablePrefix()}",
            "--urls=http://127.0.0.1:0",
            $"--AzureAd:Instance={EntraId.Instance}",
            $"--AzureAd:TenantId={TenantId}",
            $"--AzureAd:ClientId={ClientId}",
        ];
        _app = LocalFunctionsHost.Build(args, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // Both readers of the discovery document (the JwtBearer handler and Microsoft.Identity.Web's issuer validator)
            // trust the fake's certificate and nothing else.
            builder.Services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = EntraId.CreateTrustingHandler());
            builder.Services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName = nameof(FakeEntraIdServer));
            builder.Services.AddHttpClient(nameof(FakeEntraIdServer)).ConfigurePrimaryHttpMessageHandler(EntraId.CreateTrustingHandler);
        });
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        Apps = new HttpClient { BaseAddress = Address };
    }

    public async Task DisposeAsync()
    {
        Apps.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await EntraId.DisposeAsync();
    }

    /// <summary>A token for this API, from its tenant, holding <paramref name="roles"/>.</summary>
    public string Token(params string[] roles) => EntraId.CreateAccessToken(TenantId, ClientId, roles);

    public string AdminToken() => Token(CallerAuthorization.AdminRole);

    public string DebugGrantorToken() => Token(CallerAuthorization.AdminRole, CallerAuthorization.DebugTokensRole);

    /// <summary>
    /// Runs <c>scripts/attestation admin ...</c> in this process against this backend; <paramref name="stdin"/> is what
    /// <c>--file -</c> reads. No token is ever fetched from the Azure CLI here: every run gives <c>--token</c>.
    /// </summary>
    public static async Task<AdminRunResult> RunAsync(string[] args, string stdin = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new AdminContext(
            new StringReader(stdin),
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            () => new RefusingCredential());
        var status = await AdminCommandLine.RunAsync(args, stdout, stderr, context).WaitAsync(TimeSpan.FromSeconds(60));
        return new AdminRunResult(status, stdout.ToString(), stderr.ToString());
    }

    /// <summary><see cref="RunAsync"/> as <paramref name="token"/> against this backend (<c>--url</c> its host root).</summary>
    public Task<AdminRunResult> RunAsAsync(string token, params string[] args) => RunAsync([.. args, "--url", Address.ToString(), "--token", token]);

    /// <summary>A new app with the debug platform and no debug token, created over the admin API (as a debug grantor).</summary>
    public async Task<string> CreateDebugAppAsync()
    {
        var appId = $"com.test.{Guid.NewGuid():N}";
        var body = JsonSerializer.Serialize(new { appId, platforms = new[] { "debug" }, debugTokenSha256 = new[] { Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())) } });
        var run = await RunAsync(["apps", "create", "--file", "-", "--url", Address.ToString(), "--token", DebugGrantorToken()], body);
        Assert.True(run.Status == 0, run.ToString());
        return appId;
    }

    /// <summary>Attests a debug device with <paramref name="debugToken"/> as an app does; returns the answer's status.</summary>
    public async Task<System.Net.HttpStatusCode> AttestDebugAsync(string appId, string debugToken)
    {
        using var challengeAnswer = await Apps.PostAsJsonAsync("api/v1/challenge", new { appId });
        challengeAnswer.EnsureSuccessStatusCode();
        var challenge = (await challengeAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString();
        using var attested = await Apps.PostAsJsonAsync("api/v1/attest", new { appId, platform = "debug", challenge, evidence = new { debugToken } });
        return attested.StatusCode;
    }

    /// <summary>
    /// The credential of a run that gives <c>--token</c>: it must never be asked (a test that reaches it fails with its
    /// message), since the tests do not reach the Azure CLI or the network.
    /// </summary>
    private sealed class RefusingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The CLI asked the Azure CLI for a token although the test gave --token.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The CLI asked the Azure CLI for a token although the test gave --token.");
    }
}

/// <summary>One run of the tool: its exit status and what it wrote.</summary>
public sealed record AdminRunResult(int Status, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {Status}{Environment.NewLine}stdout: {Stdout}{Environment.NewLine}stderr: {Stderr}";
}
