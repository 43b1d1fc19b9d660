using System.Net;
using System.Security.Cryptography.X509Certificates;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Attestation.Core.Tests.Platforms.Android;

public sealed class AndroidAttestationStatusListTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(AndroidVectors.StatusListSamplePath);

    [Fact]
    public async Task AChainWithASerialOnTheSampleStatusListIsRefused()
    {
        // The sample's SUSPENDED test entry, as the serial of the batch certificate.
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("00cc66e9a93713b6e643b26c15879786f7") };

        var (code, detail) = await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse(Sample));

        Assert.Equal("attestation_invalid", code);
        Assert.Contains("Certificate 1", detail, StringComparison.Ordinal);
        Assert.Contains("revoked", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedEntryOfTheSampleIsMatchedAsHexadecimal()
    {
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("06681152659205225093") };

        Assert.Equal("attestation_invalid", (await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse(Sample))).Code);
    }

    [Fact]
    public async Task OnlyTheExactSerialMatchesNeverAPrefixOrTheLeafSerialOne()
    {
        // "1" is every other leaf's serial: a list entry "10" or "01" must not refuse them, and an entry "1" refuses only serial 1.
        var list = AndroidAttestationStatusList.Parse("""{"entries":{"10":{"status":"REVOKED"},"cc66e9a93713b6e643b26c15879786f":{"status":"REVOKED"}}}"""u8);
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("cc66e9a93713b6e643b26c15879786f7") };

        Assert.Equal("ok", (await AndroidTestKit.VerifyAsync(chain, statusList: list)).Code);
        Assert.False(list.Contains("1"));
        Assert.Equal("attestation_invalid", (await AndroidTestKit.VerifyAsync(chain, statusList: AndroidAttestationStatusList.Parse("""{"entries":{"1":{}}}"""u8))).Code);
    }

    [Fact]
    public void TheSerialKeyIsLowercaseHexWithoutLeadingZeros()
    {
        var chain = new AndroidTestChain { BatchSerial = Convert.FromHexString("000ABC") };
        using var batch = X509CertificateLoader.LoadCertificate(chain.Build()[1]);
        using var leaf = X509CertificateLoader.LoadCertificate(chain.Build()[0]);

        Assert.Equal("abc", AndroidAttestationStatusList.SerialKey(batch));
        Assert.Equal("1", AndroidAttestationStatusList.SerialKey(leaf));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"entries\": []}")]
    [InlineData("{\"entries\": {")]
    public void AListThatIsNotOfTheDocumentedShapeIsAFormatError(string json)
    {
        Assert.Throws<FormatException>(() => AndroidAttestationStatusList.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public async Task TheListIsFetchedOnceAndCachedForTheRefreshInterval()
    {
        var handler = new FakeStatusHandler(Sample);
        var (source, time) = Source(handler);

        await source.GetAsync();
        await source.GetAsync();
        time.Advance(TimeSpan.FromMinutes(59));
        await source.GetAsync();
        Assert.Equal(1, handler.Calls);

        time.Advance(TimeSpan.FromMinutes(2));
        var list = await source.GetAsync();

        Assert.Equal(2, handler.Calls);
        Assert.Equal(5, list.Count);
        Assert.Equal(new Uri("https://status.example.test/attestation/status"), handler.LastUri);
    }

    [Fact]
    public async Task AFailedRefreshFallsBackToTheLastGoodCopyWhileItIsYoungerThanTheMaximumAge()
    {
        var handler = new FakeStatusHandler(Sample);
        var (source, time) = Source(handler);
        await source.GetAsync();

        handler.Fail = true;
        time.Advance(TimeSpan.FromHours(2));
        var stale = await source.GetAsync();

        Assert.Equal(5, stale.Count);
        Assert.Equal(2, handler.Calls);

        // Within the retry delay, no new fetch: the outage is not hammered.
        await source.GetAsync();
        Assert.Equal(2, handler.Calls);

        time.Advance(TimeSpan.FromDays(1));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task WithoutAnyGoodCopyAFailedFetchIsUnavailable()
    {
        var (source, _) = Source(new FakeStatusHandler(Sample) { Fail = true });

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task AnUnparseableAnswerIsUnavailableNotAnEmptyList()
    {
        var (source, _) = Source(new FakeStatusHandler("<html>maintenance</html>"u8.ToArray()));

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => source.GetAsync());
    }

    [Fact]
    public async Task ALocalFileIsReadInsteadOfTheNetwork()
    {
        var handler = new FakeStatusHandler([]) { Fail = true };
        var (source, _) = Source(handler, file: AndroidVectors.StatusListSamplePath);

        var list = await source.GetAsync();

        Assert.Equal(5, list.Count);
        Assert.Equal(0, handler.Calls);
    }

    private static (CachedAndroidAttestationStatusSource Source, FakeTimeProvider Time) Source(FakeStatusHandler handler, string? file = null)
    {
        var time = new FakeTimeProvider(AndroidTestKit.Now);
        var options = new AndroidKeyAttestationOptions
        {
            StatusListUri = new Uri("https://status.example.test/attestation/status"),
            StatusListFile = file,
        };
        return (new CachedAndroidAttestationStatusSource(new HttpClient(handler), Options.Create(options), time, NullLogger<CachedAndroidAttestationStatusSource>.Instance), time);
    }

    /// <summary>A FAKE of Google's status endpoint: answers the given bytes, or a 503 while <see cref="Fail"/> is set.</summary>
    private sealed class FakeStatusHandler(byte[] body) : HttpMessageHandler
    {
        public bool Fail { get; set; }

        public int Calls { get; private set; }

        public Uri? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastUri = request.RequestUri;
            return Task.FromResult(Fail
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        }
    }
}
