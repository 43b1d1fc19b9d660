using Azure.Core;
using Azure.Core.Pipeline;

namespace Attestation.TestSupport;

/// <summary>
/// Holds every insert (a POST to a table) until <paramref name="parties"/> of them have arrived, then lets them all reach
/// the service together: concurrent writers are forced to race at the store itself, so only a conditional write can keep
/// all but one of them out.
/// </summary>
public sealed class HeldInserts(int parties) : HttpPipelinePolicy
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>How many inserts arrived (and were held) so far.</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method == RequestMethod.Post && !message.Request.Uri.Path.EndsWith("/Tables", StringComparison.Ordinal))
        {
            if (Interlocked.Increment(ref _arrived) >= parties)
            {
                _allArrived.TrySetResult();
            }

            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await ProcessNextAsync(message, pipeline);
    }
}
