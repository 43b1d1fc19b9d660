using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Telemetry;
using Attestation.Google.PlayIntegrity;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Google.Tests.PlayIntegrity;

/// <summary>
/// The decodeIntegrityToken client against <see cref="FakePlayIntegrityServer"/> (OAuth token endpoint included), with its
/// <see cref="GoogleCallGuard"/> on a fake clock: the call budget, the circuit breaker and the calls metric (issue 16, finding 4).
/// </summary>
public sealed class GooglePlayIntegrityDecoderTests : IAsyncLifetime, IDisposable
{
    private const string Package = "com.contoso.standard";
    private const string Calls = "attestation.play_integrity.google_calls";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly RecordingMeterFactory _meters = new();
    private FakePlayIntegrityServer _google = null!;

    public async Task InitializeAsync() => _google = await FakePlayIntegrityServer.StartAsync();

    public async Task DisposeAsync() => await _google.DisposeAsync();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task ARegisteredTokenDecodesToItsVerdictWithOneCallEachAndOneAccessToken()
    {
        _google.Register("standard-token-1", PlayIntegrityTokenFactory.Verdict(Package, null, Now, new string('A', 43), requestHash: "hash-1"));
        _google.Register("standard-token-2", PlayIntegrityTokenFactory.Verdict(Package, null, Now, new string('A', 43), requestHash: "hash-2"));
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();

        var first = await decoder.DecodeAsync(Package, "standard-token-1", account);
        var second = await decoder.DecodeAsync(Package, "standard-token-2", account);

        Assert.Equal("hash-1", first.RequestHash);
        Assert.Equal("hash-2", second.RequestHash);
        Assert.Equal(2, _google.DecodeCalls);
        Assert.Equal(1, _google.TokenCalls);
        Assert.Equal(Package, _google.LastPackageName);
    }

    [Fact]
    public async Task ATokenGoogleCannotDecodeIsAttestationInvalid()
    {
        var refusal = await Assert.ThrowsAsync<AttestationException>(() => Decoder(_google.Endpoint).DecodeAsync(Package, "not-a-token-google-issued", _google.ServiceAccountJson()));

        Assert.Equal(AttestationErrorCode.AttestationInvalid, refusal.Code);
        Assert.Equal(1, _google.DecodeCalls);
    }

    [Fact]
    public async Task AGoogleOutageIsUnavailableAfterExactlyOneCall()
    {
        _google.Unavailable = true;

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Decoder(_google.Endpoint).DecodeAsync(Package, "standard-token", _google.ServiceAccountJson()));

        Assert.Equal(1, _google.DecodeCalls);
    }

    [Fact]
    public async Task AServiceAccountGoogleDoesNotKnowIsUnavailableAndSpendsNoDecodeCall()
    {
        await using var other = await FakePlayIntegrityServer.StartAsync();
        var foreignAccount = other.ServiceAccountJson().Replace(other.Endpoint.ToString(), _google.Endpoint.ToString(), StringComparison.Ordinal);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Decoder(_google.Endpoint).DecodeAsync(Package, "standard-token", foreignAccount));

        Assert.Equal(0, _google.DecodeCalls);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"service_account"}""")]
    public async Task AnUnusableServiceAccountSecretIsUnavailable(string json) =>
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Decoder(_google.Endpoint).DecodeAsync(Package, "standard-token", json));

    [Fact]
    public async Task AnUnreachableEndpointIsUnavailable()
    {
        var account = _google.ServiceAccountJson();
        var closed = new Uri("http://127.0.0.1:9/");

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Decoder(closed).DecodeAsync(Package, "standard-token", account));
    }

    [Fact]
    public async Task AThrottledCallOpensTheBreakerForGooglesRetryAfterAndNoCallIsMadeMeanwhile()
    {
        _google.Register("standard-token", PlayIntegrityTokenFactory.Verdict(Package, null, Now, new string('A', 43), requestHash: "hash"));
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();
        (_google.AnswerStatus, _google.RetryAfterSeconds) = (429, 120);

        var throttled = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));
        _google.AnswerStatus = null;
        _clock.Advance(TimeSpan.FromSeconds(119));
        var open = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));

        Assert.Equal(TimeSpan.FromSeconds(120), throttled.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), open.RetryAfter);
        Assert.Equal(1, _google.DecodeCalls);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("hash", (await decoder.DecodeAsync(Package, "standard-token", account)).RequestHash);
        Assert.Equal(2, _google.DecodeCalls);
        Assert.Equal(1, _meters.Sum(Calls, ("package", Package), ("outcome", "throttled")));
        Assert.Equal(1, _meters.Sum(Calls, ("package", Package), ("outcome", "breaker_open")));
        Assert.Equal(1, _meters.Sum(Calls, ("package", Package), ("outcome", "ok")));
    }

    [Fact]
    public async Task AGoogleRetryAfterLongerThanTheBoundStopsCallsOnlyForMaxOpenFor()
    {
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();
        (_google.AnswerStatus, _google.RetryAfterSeconds) = (429, 86_400);

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));
        var open = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));

        Assert.Equal(new PlayIntegrityOptions().CircuitBreaker.MaxOpenFor, open.RetryAfter);
        Assert.Equal(1, _google.DecodeCalls);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task AServerErrorOpensTheBreakerForOpenForThenOneTrialCallClosesIt(int status)
    {
        _google.Register("standard-token", PlayIntegrityTokenFactory.Verdict(Package, null, Now, new string('A', 43), requestHash: "hash"));
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();
        _google.AnswerStatus = status;

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));
        var open = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));
        _google.AnswerStatus = null;
        _clock.Advance(open.RetryAfter!.Value);
        await decoder.DecodeAsync(Package, "standard-token", account);
        await decoder.DecodeAsync(Package, "standard-token", account);

        Assert.Equal(new PlayIntegrityOptions().CircuitBreaker.OpenFor, open.RetryAfter);
        Assert.Equal(3, _google.DecodeCalls);
        Assert.Equal(1, _meters.Sum(Calls, ("outcome", "error")));
        Assert.Equal(2, _meters.Sum(Calls, ("outcome", "ok")));
    }

    [Fact]
    public async Task AGoogleThatDoesNotAnswerInTimeOpensTheBreaker()
    {
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();
        _google.Hang = true;

        var call = decoder.DecodeAsync(Package, "standard-token", account);

        // The decoder starts its timeout before it sends, so once Google has the request the clock may move. Both waits are
        // bounded: a decoder that never sends, or never times out, fails the test instead of hanging it.
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (_google.DecodeCalls == 0 && !call.IsCompleted)
            {
                await Task.Delay(10, bound.Token);
            }
        }

        _clock.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", account));

        Assert.Equal(1, _google.DecodeCalls);
        Assert.Equal(1, _meters.Sum(Calls, ("outcome", "error")));
        Assert.Equal(1, _meters.Sum(Calls, ("outcome", "breaker_open")));
    }

    [Fact]
    public async Task ATokenGoogleRefusesDoesNotOpenTheBreaker()
    {
        var decoder = Decoder(_google.Endpoint);
        var account = _google.ServiceAccountJson();

        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-one", account));
        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-two", account));

        Assert.Equal(2, _google.DecodeCalls);
        Assert.Equal(2, _meters.Sum(Calls, ("package", Package), ("outcome", "refused")));
    }

    [Fact]
    public async Task TheMinuteBudgetRefusesCallsUntilTheNextMinuteWithoutCallingGoogle()
    {
        var decoder = Decoder(_google.Endpoint, new GoogleCallBudgetOptions { PerInstancePerMinute = 2 });
        var account = _google.ServiceAccountJson();
        _clock.Advance(TimeSpan.FromSeconds(15));

        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-one", account));
        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-two", account));
        var spent = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "garbage-token-three", account));
        var otherApp = await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync("com.contoso.other", "garbage-token-four", account));

        Assert.Equal(TimeSpan.FromSeconds(45), spent.RetryAfter);
        Assert.Equal(AttestationErrorCode.AttestationInvalid, otherApp.Code);
        Assert.Equal(3, _google.DecodeCalls);
        Assert.Equal(1, _meters.Sum(Calls, ("package", Package), ("outcome", "budget_exhausted")));
        _clock.Advance(TimeSpan.FromSeconds(45));
        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-five", account));
        Assert.Equal(4, _google.DecodeCalls);
    }

    [Fact]
    public async Task TheDailyBudgetRefusesCallsUntilMidnightUtc()
    {
        var decoder = Decoder(_google.Endpoint, new GoogleCallBudgetOptions { PerDay = 1 });
        var account = _google.ServiceAccountJson();

        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token-one", account));
        _clock.Advance(TimeSpan.FromHours(1));
        var spent = await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "garbage-token-two", account));

        Assert.Equal(TimeSpan.FromHours(11), spent.RetryAfter);
        Assert.Equal(1, _google.DecodeCalls);
    }

    [Fact]
    public async Task ACallNeverSentForWantOfAnAccessTokenGivesItsBudgetBack()
    {
        var decoder = Decoder(_google.Endpoint, new GoogleCallBudgetOptions { PerInstancePerMinute = 1 });

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => decoder.DecodeAsync(Package, "standard-token", "not json"));
        await Assert.ThrowsAsync<AttestationException>(() => decoder.DecodeAsync(Package, "garbage-token", _google.ServiceAccountJson()));

        Assert.Equal(1, _google.DecodeCalls);
    }

    private GooglePlayIntegrityDecoder Decoder(Uri endpoint, GoogleCallBudgetOptions? budget = null)
    {
        var options = Options.Create(new PlayIntegrityOptions { DecodeEndpoint = endpoint, Timeout = TimeSpan.FromSeconds(5), GoogleCallBudget = budget ?? new() });
        var guard = new GoogleCallGuard(options, _clock, new AttestationMetrics(_meters));
        return new(Http, options, guard, _clock, NullLogger<GooglePlayIntegrityDecoder>.Instance);
    }
}
