using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;

namespace Attestation.Google.Android;

/// <summary>
/// Fetches Google's Android attestation status list over HTTP (<see cref="AndroidKeyAttestationOptions.StatusListUri"/>,
/// https://android.googleapis.com/attestation/status by default). No retry here: the cache decides when to try again.
/// </summary>
public sealed class GoogleAndroidStatusListFetcher : IAndroidStatusListFetcher
{
    private const string Dependency = "Android attestation status list";

    private readonly HttpClient _http;
    private readonly Uri _statusListUri;

    /// <param name="http">A long-lived client; its timeout and response size limit bound one fetch.</param>
    /// <param name="statusListUri">Where the list is published.</param>
    public GoogleAndroidStatusListFetcher(HttpClient http, Uri statusListUri)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(statusListUri);
        _http = http;
        _statusListUri = statusListUri;
    }

    /// <exception cref="DependencyUnavailableException">The request failed, answered an error status, or timed out.</exception>
    public async Task<byte[]> FetchAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _http.GetByteArrayAsync(_statusListUri, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException
                                    || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // A TaskCanceledException the caller did not ask for is the client's timeout.
            throw new DependencyUnavailableException(Dependency, e);
        }
    }
}
