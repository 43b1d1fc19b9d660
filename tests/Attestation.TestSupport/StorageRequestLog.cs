using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Attestation.TestSupport;

/// <summary>
/// Records every HTTP request an Azure SDK client sends (added to its client options, per retry), so a test can count
/// the storage calls a request costs: method and path, in order.
/// </summary>
public sealed class StorageRequestLog : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<string> _requests = new();

    /// <summary>Every request so far, as "METHOD /path" (no query string).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public int Count => _requests.Count;

    public void Clear() => _requests.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message) =>
        _requests.Enqueue($"{message.Request.Method} /{Uri.UnescapeDataString(message.Request.Uri.Path).TrimStart('/')}");
}
