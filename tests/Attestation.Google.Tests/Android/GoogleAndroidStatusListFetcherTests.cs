using Attestation.Core.Errors;
using Attestation.Google.Android;
using Attestation.TestSupport;

namespace Attestation.Google.Tests.Android;

/// <summary>The HTTP fetch of Google's status list: the bytes as published, every transport failure as <c>unavailable</c>.</summary>
public sealed class GoogleAndroidStatusListFetcherTests
{
    private static readonly byte[] Sample = File.ReadAllBytes(AndroidVectors.StatusListSamplePath);
    private static readonly Uri StatusUri = new("https://status.example.test/attestation/status");

    [Fact]
    public async Task TheListIsFetchedFromTheConfiguredUriAsPublished()
    {
        var handler = new FakeStatusListHandler(Sample);

        var bytes = await new GoogleAndroidStatusListFetcher(new HttpClient(handler), StatusUri).FetchAsync();

        Assert.Equal(Sample, bytes);
        Assert.Equal(1, handler.Calls);
        Assert.Equal(StatusUri, handler.LastUri);
    }

    [Fact]
    public async Task AnErrorStatusIsUnavailable()
    {
        var fetcher = new GoogleAndroidStatusListFetcher(new HttpClient(new FakeStatusListHandler(Sample) { Fail = true }), StatusUri);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => fetcher.FetchAsync());

        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task AnAnswerLargerThanTheClientAcceptsIsUnavailable()
    {
        var http = new HttpClient(new FakeStatusListHandler(Sample)) { MaxResponseContentBufferSize = Sample.Length - 1 };

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => new GoogleAndroidStatusListFetcher(http, StatusUri).FetchAsync());
    }

    [Fact]
    public async Task ATimeoutIsUnavailable()
    {
        var http = new HttpClient(new FakeStatusListHandler(Sample) { Hang = true }) { Timeout = TimeSpan.FromMilliseconds(100) };

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => new GoogleAndroidStatusListFetcher(http, StatusUri).FetchAsync());

        Assert.IsType<TaskCanceledException>(error.InnerException);
    }

    [Fact]
    public async Task AFetchItsCallerCancelsIsCancelledNotUnavailable()
    {
        var fetcher = new GoogleAndroidStatusListFetcher(new HttpClient(new FakeStatusListHandler(Sample) { Hang = true }), StatusUri);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<TaskCanceledException>(() => fetcher.FetchAsync(cancellation.Token));
    }
}
