using Azure.Core;
using Azure.Core.Pipeline;

namespace Attestation.TestSupport;

/// <summary>
/// Holds the first <c>parties</c> requests that a predicate matches until all of them have arrived, then lets them reach the
/// service together; later matching requests (a read-back after a conflict, a retry) pass at once. Concurrent callers are
/// thereby forced through one interleaving, whatever the thread pool does: with reads held, every caller has read (and
/// checked) before any of them writes, so a check-then-write without a conditional write lets them all through; with writes
/// held, they all race at the store itself. Callers that ran one after another would never have all their requests in
/// flight at once, and the first would wait in vain: a test built on this cannot pass sequentially.
/// </summary>
/// <remarks>
/// Added to an Azure SDK client's options (per retry, so that it sits just before the wire). If the parties do not all
/// arrive within the patience given, every held request fails with a <see cref="TimeoutException"/> that names how many
/// arrived (no Azure client retries it, and the stores do not take it for an outage): the test fails with that message
/// rather than hanging.
/// </remarks>
public sealed class HeldRequests : HttpPipelinePolicy
{
    private static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(15);

    private readonly int _parties;
    private readonly Func<Request, bool> _holds;
    private readonly TimeSpan _patience;
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <param name="parties">How many matching requests to hold until all have arrived.</param>
    /// <param name="holds">Which requests to hold (see <see cref="RowsOf"/>).</param>
    /// <param name="untilReleased">
    /// Hold them, once all have arrived, until <see cref="Release"/> too: the test then makes its own move (a write of
    /// another instance, say) between the parties' reads and their writes.
    /// </param>
    /// <param name="patience">How long a held request waits; 15 seconds unless given.</param>
    public HeldRequests(int parties, Func<Request, bool> holds, bool untilReleased = false, TimeSpan? patience = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        ArgumentNullException.ThrowIfNull(holds);
        _parties = parties;
        _holds = holds;
        _patience = patience ?? DefaultPatience;
        if (!untilReleased)
        {
            _released.SetResult();
        }
    }

    /// <summary>How many matching requests arrived so far (those past the held ones included).</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>Completes when the last party arrives.</summary>
    public Task AllArrived => _allArrived.Task;

    /// <summary>Lets the held requests go on (once all have arrived).</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>
    /// Requests on single rows of the table whose name ends with <paramref name="table"/> (tests prefix table names), of
    /// the given methods (any when none): an insert is a POST to the table, a read a GET of one row, a replace a PUT, a
    /// merge a MERGE or PATCH. Queries (a background clean-up, an admin listing) and creating the table are never matched,
    /// so that only the calls of the flow under test take the held places.
    /// </summary>
    public static Func<Request, bool> RowsOf(string table, params RequestMethod[] methods)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        return request =>
        {
            var last = Uri.UnescapeDataString(request.Uri.Path).TrimEnd('/');
            last = last[(last.LastIndexOf('/') + 1)..];
            var open = last.IndexOf('(', StringComparison.Ordinal);
            var name = open < 0 ? last : last[..open];
            var isRow = open < 0 ? request.Method == RequestMethod.Post : !last.EndsWith("()", StringComparison.Ordinal);
            return isRow
                && name.EndsWith(table, StringComparison.Ordinal)
                && !string.Equals(name, "Tables", StringComparison.Ordinal)
                && (methods.Length == 0 || methods.Contains(request.Method));
        };
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_holds(message.Request))
        {
            var position = Interlocked.Increment(ref _arrived);
            if (position <= _parties)
            {
                if (position == _parties)
                {
                    _allArrived.TrySetResult();
                }

                try
                {
                    await Task.WhenAll(_allArrived.Task, _released.Task).WaitAsync(_patience, message.CancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new TimeoutException(_allArrived.Task.IsCompleted
                        ? $"The {_parties} held requests were not released within {_patience.TotalSeconds:0} s."
                        : $"Only {Math.Min(Arrived, _parties)} of {_parties} held requests arrived within {_patience.TotalSeconds:0} s: the callers did not reach storage together.");
                }
            }
        }

        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }
}
