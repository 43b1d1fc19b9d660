using System.Net;
using System.Text;
using Attestation.TestSupport;

namespace Attestation.Client.Tests;

public sealed class AttestationTokenHandlerTests : IDisposable
{
    private const string Api = "/orders";

    private readonly SignallingClock _clock = new();
    private readonly FakeBackend _backend;
    private readonly HttpClient _backendClient;
    private readonly AttestationTokenSource _tokens;

    public AttestationTokenHandlerTests()
    {
        _backend = new FakeBackend { Clock = _clock };
        _backendClient = new HttpClient(_backend);
        _tokens = new AttestationTokenSource(
            new AttestationServiceClient(_backendClient, FakeBackend.Address, "com.contoso.demo", _clock), new CountingProvider(), timeProvider: _clock);
    }

    public void Dispose()
    {
        _tokens.Dispose();
        _backendClient.Dispose();
    }

    [Fact]
    public async Task EveryRequestCarriesTheCachedTokenInTheAttestationTokenHeader()
    {
        using var api = Api_();

        (await api.GetAsync(new Uri(FakeBackend.Address, Api))).Dispose();
        (await api.GetAsync(new Uri(FakeBackend.Address, Api))).Dispose();

        Assert.Equal([FakeBackend.TokenValue(1), FakeBackend.TokenValue(1)], _backend.Requests.Where(r => r.Route == Api).Select(r => r.AttestationToken));
        Assert.Equal(1, _backend.Count("/api/v1/attest"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task ARefusedTokenIsRenewedOnceAndAnIdempotentRequestSentAgainWithItsBody(string method)
    {
        _backend.Script(Api, TokenRefused);
        using var api = Api_();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(FakeBackend.Address, Api))
        {
            Content = method == "GET" ? null : new StringContent("{\"qty\":2}", Encoding.UTF8, "application/json"),
        };

        using var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = _backend.Requests.Where(r => r.Route == Api).ToArray();
        Assert.Equal([FakeBackend.TokenValue(1), FakeBackend.TokenValue(2)], sent.Select(r => r.AttestationToken));
        Assert.All(sent, r => Assert.Equal(method == "GET" ? null : "{\"qty\":2}", r.Body));
        Assert.Equal(1, _backend.Count("/api/v1/token/refresh"));
    }

    [Fact]
    public async Task ASecondRefusalIsReturnedNotRetried()
    {
        _backend.Script(Api, TokenRefused, TokenRefused, TokenRefused);
        using var api = Api_();

        using var response = await api.GetAsync(new Uri(FakeBackend.Address, Api));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("attestation_token_invalid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, _backend.Count(Api));
    }

    [Fact]
    public async Task APostIsNotSentAgainButTheNextRequestGetsANewToken()
    {
        _backend.Script(Api, TokenRefused);
        using var api = Api_();

        using var response = await api.PostAsync(new Uri(FakeBackend.Address, Api), new StringContent("{}"));
        (await api.GetAsync(new Uri(FakeBackend.Address, Api))).Dispose();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([FakeBackend.TokenValue(1), FakeBackend.TokenValue(2)], _backend.Requests.Where(r => r.Route == Api).Select(r => r.AttestationToken));
    }

    [Fact]
    public async Task APostIsSentAgainWhenConfiguredAsRetried()
    {
        _backend.Script(Api, TokenRefused);
        using var api = Api_(new AttestationTokenHandlerOptions { RetriedMethods = new HashSet<HttpMethod> { HttpMethod.Post } });

        using var response = await api.PostAsync(new Uri(FakeBackend.Address, Api), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _backend.Count(Api));
    }

    [Fact]
    public async Task AnotherUnauthorizedIsTheApisOwnAndIsReturnedAsItCame()
    {
        _backend.Script(Api, () => FakeBackend.Problem(HttpStatusCode.Unauthorized, "session_expired", "fix_request"), () => FakeBackend.Raw(HttpStatusCode.Unauthorized, "login"));
        using var api = Api_();

        using var first = await api.GetAsync(new Uri(FakeBackend.Address, Api));
        using var second = await api.GetAsync(new Uri(FakeBackend.Address, Api));

        Assert.Equal("login", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, _backend.Count(Api));
        Assert.Equal(0, _backend.Count("/api/v1/token/refresh"));
    }

    [Fact]
    public async Task TheTokenIsBoundToTheValueTheAppChooses()
    {
        using var api = Api_(new AttestationTokenHandlerOptions { Binding = r => r.Headers.Authorization?.ToString() });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(FakeBackend.Address, Api));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "session-1");

        (await api.SendAsync(request)).Dispose();

        Assert.Equal(ChallengeBytes.Binding("Bearer session-1"), _backend.Requests.Single(r => r.Route == "/api/v1/attest").Json.GetProperty("binding").GetString());
    }

    [Fact]
    public async Task AStopReachesTheCallerAndNothingIsSentToTheApi()
    {
        _backend.Script("/api/v1/attest", () => FakeBackend.Problem(HttpStatusCode.Forbidden, "device_revoked", "stop"));
        using var api = Api_();

        var refused = await Assert.ThrowsAsync<AttestationException>(() => api.GetAsync(new Uri(FakeBackend.Address, Api)));

        Assert.Equal(AttestationAction.Stop, refused.Action);
        Assert.Equal(0, _backend.Count(Api));
    }

    private static HttpResponseMessage TokenRefused() =>
        FakeBackend.Problem(HttpStatusCode.Unauthorized, "attestation_token_invalid", "attest");

    private HttpClient Api_(AttestationTokenHandlerOptions? options = null) =>
        new(new AttestationTokenHandler(_tokens, options) { InnerHandler = new ForwardingHandler(_backend) });

    // The fake is also the API here; a handler can own only one inner handler, so the API's pipeline gets its own wrapper.
    private sealed class ForwardingHandler(FakeBackend backend) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(backend, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);
    }
}
