using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Attestation.TestSupport;

/// <summary>
/// Fails every request of an Azure SDK client the way a connection reset does before any answer: it throws from inside the
/// client's pipeline, where the transport would, an exception the SDK neither wraps in <c>RequestFailedException</c> nor
/// retries when it is a bare <see cref="SocketException"/> (seen when a reset lands before HttpClient has read the socket's
/// remote end point). Added per retry, after the SDK's own policies, it tests how an adapter maps such failures.
/// </summary>
public sealed class TransportFailure(TransportFailureKind kind) : HttpPipelinePolicy
{
    private int _requests;

    /// <summary>How many requests reached this policy (and failed).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw Fail();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw Fail();

    private Exception Fail()
    {
        Interlocked.Increment(ref _requests);
        return kind switch
        {
            TransportFailureKind.Socket => new SocketException((int)SocketError.ConnectionReset),
            TransportFailureKind.Http => new HttpRequestException(HttpRequestError.ConnectionError, "Simulated: the connection was reset."),
            TransportFailureKind.IO => new IOException("Simulated: the connection was reset."),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}

/// <summary>The exception a <see cref="TransportFailure"/> throws.</summary>
public enum TransportFailureKind
{
    /// <summary>A bare <see cref="SocketException"/> (connection reset).</summary>
    Socket,

    /// <summary>An <see cref="HttpRequestException"/> (connection error).</summary>
    Http,

    /// <summary>An <see cref="IOException"/>.</summary>
    IO,
}
