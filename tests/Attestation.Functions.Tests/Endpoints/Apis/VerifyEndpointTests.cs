using System.Net;
using System.Text;
using Attestation.Azure.Tables;
using Attestation.Core.Administration;
using Attestation.Core.Devices;
using Attestation.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Attestation.Functions.Tests.Endpoints.Apis;

public class VerifyEndpointTests(BackendFixture fixture) : IClassFixture<BackendFixture>
{
    private readonly RunningBackend _backend = fixture.Backend;

    [Fact]
    public async Task AValidTokenReportsItsClaims()
    {
        var token = await TokenAsync();

        var verified = await _backend.VerifyAsync(token);

        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal(RunningBackend.DemoApp, verified.GetProperty("appId").GetString());
        Assert.Equal("debug", verified.GetProperty("platform").GetString());
        Assert.EndsWith("Z", verified.GetProperty("issuedAt").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Z", verified.GetProperty("expiresAt").GetString(), StringComparison.Ordinal);
        Assert.False(verified.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task AConsumedTokenIsValidOnceThenAlreadyConsumed()
    {
        var token = await TokenAsync();

        Assert.True((await _backend.VerifyAsync(token, consume: true)).GetProperty("valid").GetBoolean());
        var second = await _backend.VerifyAsync(token, consume: true);

        Assert.False(second.GetProperty("valid").GetBoolean());
        Assert.Equal("already_consumed", second.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task OfEightConsumingVerificationsHeldUntilAllReachTheStoreExactlyOneIsValid()
    {
        // Another instance on the same tables, whose storage client holds each verification's first call on the consumed
        // tokens until all eight have made it: they race at the store, not one after another.
        const int parties = 8;
        var held = new HeldRequests(parties, HeldRequests.RowsOf(TableStorage.ConsumedTokensTable));
        await using var instance = await RunningBackend.StartAsync(
            services: s => s.AddSingleton(RunningBackend.StorageOptionsWith(held)), tablePrefix: _backend.TablePrefix);
        var token = await TokenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, parties).Select(_ => instance.VerifyAsync(token, consume: true)));

        Assert.True(held.AllArrived.IsCompletedSuccessfully);

        Assert.Equal(1, results.Count(r => r.GetProperty("valid").GetBoolean()));
        Assert.All(results.Where(r => !r.GetProperty("valid").GetBoolean()), r => Assert.Equal("already_consumed", r.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task VerifyingWithoutConsumingLeavesTheTokenUsable()
    {
        var token = await TokenAsync();

        await _backend.VerifyAsync(token);
        await _backend.VerifyAsync(token);

        Assert.True((await _backend.VerifyAsync(token, consume: true)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ConsumingATokenRefusedForItsBindingLeavesItUsableOnceWithTheRightBinding()
    {
        var token = await TokenAsync(binding: Attestation.Core.Text.Base64Flexible.Sha256Base64Url("Bearer session-a"));

        var mismatch = await _backend.VerifyAsync(token, binding: "Bearer session-b", consume: true);
        var first = await _backend.VerifyAsync(token, binding: "Bearer session-a", consume: true);
        var second = await _backend.VerifyAsync(token, binding: "Bearer session-a", consume: true);

        Assert.Equal("binding_mismatch", mismatch.GetProperty("reason").GetString());
        Assert.True(first.GetProperty("valid").GetBoolean());
        Assert.Equal("already_consumed", second.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ConsumingATokenOfARevokedDeviceLeavesItUsableOnceTheDeviceIsRestored()
    {
        var created = await _backend.Services.GetRequiredService<AppAdministration>().CreateDebugTokenAsync(RunningBackend.DemoApp, DebugAccessRight.Held);
        var token = await TokenAsync(debugToken: created.DebugToken);
        var devices = _backend.Services.GetRequiredService<DeviceAdministration>();

        await devices.SetStatusAsync(RunningBackend.DemoApp, created.Id, DeviceStatus.Revoked);
        var revoked = await _backend.VerifyAsync(token, consume: true);
        await devices.SetStatusAsync(RunningBackend.DemoApp, created.Id, DeviceStatus.Active);
        var first = await _backend.VerifyAsync(token, consume: true);
        var second = await _backend.VerifyAsync(token, consume: true);

        Assert.Equal("device_revoked", revoked.GetProperty("reason").GetString());
        Assert.True(first.GetProperty("valid").GetBoolean());
        Assert.Equal("already_consumed", second.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ATamperedTokenIsABadSignature()
    {
        var token = await TokenAsync();
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        var result = await _backend.VerifyAsync(tampered);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal("bad_signature", result.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    public async Task TextThatIsNotATokenIsMalformed(string token)
    {
        var result = await _backend.VerifyAsync(token);

        Assert.False(result.GetProperty("valid").GetBoolean());
        Assert.Equal("malformed", result.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"token": 1}""")]
    [InlineData("""{"token": "x", "consume": "yes"}""")]
    [InlineData("not json")]
    public async Task AMalformedBodyIsAnInvalidRequest(string body)
    {
        using var response = await _backend.PostRawAsync("/api/v1/verify", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ABodyOver64KiBIs413()
    {
        var body = $$"""{"token":"{{new string('a', 64 * 1024)}}"}""";

        using var response = await _backend.PostRawAsync("/api/v1/verify", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
    }

    [Fact]
    public async Task AChunkedBodyOver64KiBIs413Too()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"appId":"{{new string('a', 70 * 1024)}}"}""");
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/challenge") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _backend.Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
    }

    [Fact]
    public async Task ABodyOfExactly64KiBIsRead()
    {
        var padding = 64 * 1024 - """{"token":""}""".Length;
        var body = $$"""{"token":"{{new string('a', padding)}}"}""";
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(body));

        using var response = await _backend.PostRawAsync("/api/v1/verify", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> TokenAsync(string debugToken = RunningBackend.DebugToken, string? binding = null)
    {
        using var response = await _backend.AttestDebugAsync(debugToken: debugToken, binding: binding);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await RunningBackend.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }
}
