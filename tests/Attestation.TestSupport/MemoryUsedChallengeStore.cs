using System.Collections.Concurrent;
using Attestation.Core.Challenges;

namespace Attestation.TestSupport;

/// <summary>
/// Spent challenges in memory, safe for concurrent callers (a challenge is marked used exactly once, as Table Storage's
/// insert guarantees); nothing expires.
/// </summary>
public sealed class MemoryUsedChallengeStore : IUsedChallengeStore
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    public Task<bool> TryMarkUsedAsync(string challengeId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(_used.TryAdd(challengeId, expiresAt));

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(0);
}
