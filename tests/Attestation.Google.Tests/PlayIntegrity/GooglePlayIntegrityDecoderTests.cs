using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Google.PlayIntegrity;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Attestation.Google.Tests.PlayIntegrity;

/// <summary>The decodeIntegrityToken client against <see cref="FakePlayIntegrityServer"/> (OAuth token endpoint included).</summary>
public sealed class GooglePlayIntegrityDecoderTests : IAsyncLifetime
{
    private const string Package = "com.contoso.standard";
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private FakePlayIntegrityServer _google = null!;
    private static readonly HttpClient Http = new();

    public async Task InitializeAsync() => _google = await FakePlayIntegrityServer.StartAsync();

    public async Task DisposeAsync() => await _google.DisposeAsync();

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

    private static GooglePlayIntegrityDecoder Decoder(Uri endpoint) =>
        new(Http, Options.Create(new PlayIntegrityOptions { DecodeEndpoint = endpoint, Timeout = TimeSpan.FromSeconds(5) }), NullLogger<GooglePlayIntegrityDecoder>.Instance);
}
