using Attestation.Core.Errors;
using Attestation.Google.Android;
using Attestation.TestSupport;

namespace Attestation.Google.Tests.Android;

/// <summary>The local copy of the status list (air-gapped runs, tests): read as is, a missing file is <c>unavailable</c>.</summary>
public sealed class FileAndroidStatusListFetcherTests
{
    [Fact]
    public async Task TheFileIsReadAsIs()
    {
        var bytes = await new FileAndroidStatusListFetcher(AndroidVectors.StatusListSamplePath).FetchAsync();

        Assert.Equal(await File.ReadAllBytesAsync(AndroidVectors.StatusListSamplePath), bytes);
    }

    [Fact]
    public async Task AMissingFileIsUnavailable()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-status-list-" + Guid.NewGuid().ToString("N") + ".json");

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => new FileAndroidStatusListFetcher(missing).FetchAsync());

        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }
}
