using System.Net;

namespace Attestation.Google.Tests.Android;

/// <summary>
/// A FAKE of Google's status endpoint behind an <see cref="HttpClient"/>: answers the given bytes, a 503 while
/// <see cref="Fail"/> is set, or nothing at all (until the request is cancelled) while <see cref="Hang"/> is set.
/// </summary>
internal sealed class FakeStatusListHandler(byte[] body) : HttpMessageHandler
{
    public bool Fail { get; set; }

    public bool Hang { get; set; }

    public int Calls { get; private set; }

    public Uri? LastUri { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Calls++;
        LastUri = request.RequestUri;
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Fail
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
    }
}
