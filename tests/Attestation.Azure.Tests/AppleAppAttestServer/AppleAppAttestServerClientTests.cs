using System.Security.Cryptography;
using Attestation.Azure.AppleAppAttestServer;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Secrets;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Azure.Tests.AppleAppAttestServer;

/// <summary>
/// The App Attest server client against <see cref="FakeAppleAppAttestServer"/> over local HTTPS: the JWT Apple requires,
/// the server of the key's environment, the receipt as a base64 body, and each documented answer classified.
/// </summary>
public sealed class AppleAppAttestServerClientTests : IAsyncLifetime
{
    private static readonly byte[] Receipt = [0x30, 0x82, 1, 2, 3, 4];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeAppleAppAttestServer _apple = null!;
    private AppleAppAttestServerClient _client = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _apple = await FakeAppleAppAttestServer.StartAsync(_clock);
        _key = _apple.TeamKeyPem;
        _client = CreateClient(() => _key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _apple.DisposeAsync();
    }

    [Fact]
    public async Task ANewReceiptIsReturnedAndTheReceiptWentAsBase64ToTheServerOfTheKeysEnvironment()
    {
        _apple.Enqueue(FakeAppleAnswer.NewReceipt([7, 8, 9]));
        _apple.Enqueue(FakeAppleAnswer.NewReceipt([1]));

        var production = await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);
        var development = await _client.ExchangeAsync(AppAttestEnvironment.Development, Receipt);

        Assert.Equal(AppleReceiptExchangeStatus.NewReceipt, production.Status);
        Assert.Equal([7, 8, 9], production.Receipt);
        Assert.Equal([1], development.Receipt);
        Assert.Equal(["production", "development"], _apple.Requests.Select(r => r.Environment));
        Assert.All(_apple.Requests, r => Assert.Equal(Receipt, r.Receipt));
        Assert.Equal(0, _apple.Unauthorized);
    }

    [Theory]
    [InlineData(304, AppleReceiptExchangeStatus.NotModified)]
    [InlineData(404, AppleReceiptExchangeStatus.NotFound)]
    [InlineData(400, AppleReceiptExchangeStatus.Refused)]
    [InlineData(500, AppleReceiptExchangeStatus.Unavailable)]
    [InlineData(503, AppleReceiptExchangeStatus.Unavailable)]
    public async Task EachDocumentedStatusIsClassified(int status, AppleReceiptExchangeStatus expected)
    {
        _apple.Enqueue(FakeAppleAnswer.Status(status));

        var answer = await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);

        Assert.Equal(expected, answer.Status);
        Assert.Null(answer.Receipt);
        Assert.Equal(status, answer.HttpStatus);
    }

    [Fact]
    public async Task AThrottleCarriesApplesRetryAfter()
    {
        _apple.Enqueue(FakeAppleAnswer.Status(429, retryAfterSeconds: 120));

        var answer = await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);

        Assert.Equal(AppleReceiptExchangeStatus.Throttled, answer.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), answer.RetryAfter);
    }

    [Fact]
    public async Task AnOkAnswerWhoseBodyIsNotBase64IsUnreadable()
    {
        _apple.Enqueue(new FakeAppleAnswer(200, "<html>not a receipt</html>"));

        var answer = await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);

        Assert.Equal(AppleReceiptExchangeStatus.Unreadable, answer.Status);
        Assert.Null(answer.Receipt);
    }

    [Fact]
    public async Task AJwtSignedWithAnotherKeyIsRefusedAndClassifiedAsUnavailable()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _key = other.ExportPkcs8PrivateKeyPem();

        var answer = await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);

        Assert.Equal(AppleReceiptExchangeStatus.Unavailable, answer.Status);
        Assert.Equal(401, answer.HttpStatus);
        Assert.Equal(1, _apple.Unauthorized);
        Assert.Empty(_apple.Requests);
    }

    [Fact]
    public async Task TheJwtIsRenewedBeforeAppleWouldFindItTooOld()
    {
        _apple.DefaultAnswer = FakeAppleAnswer.Status(304);
        Assert.Equal(AppleReceiptExchangeStatus.NotModified, (await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt)).Status);

        // Apple refuses a token issued more than an hour ago; the client's is never that old.
        _clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(AppleReceiptExchangeStatus.NotModified, (await _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt)).Status);
        Assert.Equal(0, _apple.Unauthorized);
    }

    [Fact]
    public async Task ATeamKeyThatIsNotAP256PrivateKeyIsADependencyFailureNamingNoKeyMaterial()
    {
        _key = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----";

        var failure = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _client.ExchangeAsync(AppAttestEnvironment.Production, Receipt));

        Assert.DoesNotContain("bm90IGEga2V5", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_apple.Requests);
    }

    [Fact]
    public async Task NoConnectionIsClassifiedAsUnavailable()
    {
        using var client = CreateClient(() => _key, new AppleRiskMetricOptions
        {
            KeyId = FakeAppleAppAttestServer.KeyId,
            TeamId = FakeAppleAppAttestServer.TeamId,
            ProductionEndpoint = new Uri("https://127.0.0.1:1/"),
        });

        var answer = await client.ExchangeAsync(AppAttestEnvironment.Production, Receipt);

        Assert.Equal(AppleReceiptExchangeStatus.Unavailable, answer.Status);
        Assert.Null(answer.HttpStatus);
    }

    private AppleAppAttestServerClient CreateClient(Func<string> key, AppleRiskMetricOptions? options = null) => new(
        new HttpClient(_apple.CreateTrustingHandler()),
        Options.Create(options ?? new AppleRiskMetricOptions
        {
            KeyId = FakeAppleAppAttestServer.KeyId,
            TeamId = FakeAppleAppAttestServer.TeamId,
            DevelopmentEndpoint = _apple.DevelopmentEndpoint,
            ProductionEndpoint = _apple.ProductionEndpoint,
        }),
        new FuncSecretStore(key),
        _clock,
        NullLogger<AppleAppAttestServerClient>.Instance);

    private sealed class FuncSecretStore(Func<string> value) : ISecretStore
    {
        public ValueTask<string> GetSecretAsync(string name, CancellationToken cancellationToken = default) =>
            name == AppleRiskMetricOptions.KeySecretName ? ValueTask.FromResult(value()) : throw new DependencyUnavailableException("no such secret");
    }
}
