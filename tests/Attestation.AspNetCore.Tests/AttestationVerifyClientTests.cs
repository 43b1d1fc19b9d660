using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Attestation.AspNetCore.Verify;
using Attestation.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore.Tests;

/// <summary>The typed verify client against an in-test verify that answers what each test scripts.</summary>
public sealed class AttestationVerifyClientTests : IAsyncLifetime
{
    private static readonly Uri VerifyUri = new("http://localhost/api/v1/verify");
    private readonly SignallingClock _clock = new(TestTokens.Now);
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();
    private readonly ConcurrentQueue<(IHeaderDictionary Headers, JsonElement Body)> _requests = new();
    private WebApplication _server = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost(VerifyUri.AbsolutePath, async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            _requests.Enqueue((context.Request.Headers, body.RootElement.Clone()));
            await (_answers.TryDequeue(out var answer) ? answer(context) : Valid(context));
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ItSendsTheRequestWithTheVerifyKeyAndReadsTheClaims()
    {
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri, FunctionKey = "the-verify-key" });

        var result = await client.VerifyAsync(new AttestationVerifyRequest("a.b.c") { Consume = true, AppId = TestTokens.DemoApp, Binding = "Bearer u", Platforms = ["debug"] });

        Assert.True(result.Valid);
        Assert.Equal(TestTokens.DemoApp, result.AppId);
        Assert.Equal("device-1", result.DeviceId);
        Assert.Equal(TestTokens.Now.AddMinutes(5), result.ExpiresAt);
        var (headers, body) = Assert.Single(_requests);
        Assert.Equal("the-verify-key", headers["x-functions-key"].ToString());
        Assert.Equal("a.b.c", body.GetProperty("token").GetString());
        Assert.True(body.GetProperty("consume").GetBoolean());
        Assert.Equal("Bearer u", body.GetProperty("binding").GetString());
        Assert.Equal(TestTokens.DemoApp, body.GetProperty("appId").GetString());
        Assert.Equal("debug", body.GetProperty("platforms")[0].GetString());
    }

    [Fact]
    public async Task WithACredentialItSendsItsBearerTokenForTheScope()
    {
        var credential = new FakeKeyVaultServer.FakeTokenCredential();
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri, Credential = credential, Scope = "api://attestation/.default" });

        await client.VerifyAsync(new AttestationVerifyRequest("a.b.c"));

        var (headers, _) = Assert.Single(_requests);
        Assert.Equal($"Bearer {FakeKeyVaultServer.AcceptedToken}", headers.Authorization.ToString());
        Assert.Contains("api://attestation/.default", credential.ScopesRequested);
    }

    [Fact]
    public async Task ARefusalIsAResultWithItsReason()
    {
        _answers.Enqueue(context => context.Response.WriteAsJsonAsync(new { valid = false, reason = "already_consumed" }));
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri });

        var result = await client.VerifyAsync(new AttestationVerifyRequest("a.b.c"));

        Assert.False(result.Valid);
        Assert.Equal("already_consumed", result.Reason);
    }

    [Fact]
    public async Task A503IsRetriedAfterItsRetryAfterAndNotBefore()
    {
        _answers.Enqueue(context => Unavailable(context, "3"));
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri });

        var call = client.VerifyAsync(new AttestationVerifyRequest("a.b.c"));
        // Time moves only once the client waits: advanced before its timer exists, the wait would start later and never end.
        Assert.Equal(TimeSpan.FromSeconds(3), await _clock.NextTimerAsync());
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        Assert.Single(_requests);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Valid);
        Assert.Equal(2, _requests.Count);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheBoundIsNotWaitedFor()
    {
        _answers.Enqueue(context => Unavailable(context, "120"));
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri });

        var failure = await Assert.ThrowsAsync<AttestationVerifyException>(() => client.VerifyAsync(new AttestationVerifyRequest("a.b.c")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.StatusCode);
        Assert.Equal("unavailable", failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(120), failure.RetryAfter);
        Assert.Single(_requests);
    }

    [Fact]
    public async Task RetriesStopAfterMaxRetries()
    {
        for (var i = 0; i < 5; i++)
        {
            _answers.Enqueue(context => Unavailable(context, "0"));
        }

        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri, MaxRetries = 2 });

        await Assert.ThrowsAsync<AttestationVerifyException>(() => client.VerifyAsync(new AttestationVerifyRequest("a.b.c")));

        Assert.Equal(3, _requests.Count);
    }

    [Fact]
    public async Task AnErrorOtherThan503IsThrownAtOnceWithItsCodeButNotItsText()
    {
        _answers.Enqueue(async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { code = "invalid_request", detail = "<script>attacker text</script>" });
        });
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri });

        var failure = await Assert.ThrowsAsync<AttestationVerifyException>(() => client.VerifyAsync(new AttestationVerifyRequest("a.b.c")));

        Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
        Assert.Equal("invalid_request", failure.Code);
        Assert.DoesNotContain("attacker", failure.Message, StringComparison.Ordinal);
        Assert.Single(_requests);
    }

    [Fact]
    public async Task AnUnreadable200IsAnErrorNotAValidToken()
    {
        _answers.Enqueue(context => context.Response.WriteAsync("{\"appId\":\"com.contoso.demo\"}"));
        var client = Client(new AttestationVerifyClientOptions { VerifyUri = VerifyUri });

        await Assert.ThrowsAsync<AttestationVerifyException>(() => client.VerifyAsync(new AttestationVerifyRequest("a.b.c")));
    }

    [Fact]
    public async Task TheRegisteredClientRefusesAMissingVerifyUriAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAttestationVerifyClient(options => options.FunctionKey = "k");
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("VerifyUri", failure.Message, StringComparison.Ordinal);
    }

    private AttestationVerifyClient Client(AttestationVerifyClientOptions options) =>
        new(_server.GetTestClient(), Options.Create(options), _clock);

    private static Task Valid(HttpContext context) => context.Response.WriteAsJsonAsync(new
    {
        valid = true,
        appId = TestTokens.DemoApp,
        deviceId = "device-1",
        platform = "debug",
        issuedAt = TestTokens.Now,
        expiresAt = TestTokens.Now.AddMinutes(5),
    });

    private static async Task Unavailable(HttpContext context, string retryAfter)
    {
        context.Response.StatusCode = 503;
        context.Response.Headers.RetryAfter = retryAfter;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsJsonAsync(new { code = "unavailable" });
    }
}
