using Attestation.Core.Challenges;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Attestation.Benchmarks;

/// <summary>
/// The CPU side of a stateless challenge: sealing one (all of POST /api/v1/challenge's work after the app lookup) and the
/// checks redeeming makes before its one storage call (format, key id, MAC, expiry). The store here accepts every marker,
/// so storage latency is not part of the figure.
/// </summary>
[MemoryDiagnoser]
public class ChallengeBenchmarks
{
    private const string AppId = "com.contoso.demo";
    private readonly ChallengeService _service = new(new AcceptingStore(), new FixedKeys(), Options.Create(new ChallengeOptions()), TimeProvider.System);
    private readonly string _challenge;

    public ChallengeBenchmarks() => _challenge = _service.IssueAsync(AppId).GetAwaiter().GetResult().Value;

    [Benchmark]
    public Task<Challenge> IssueChallenge() => _service.IssueAsync(AppId);

    [Benchmark]
    public Task RedeemChallengeChecks() => _service.RedeemAsync(AppId, _challenge);

    private sealed class FixedKeys : IChallengeKeyProvider
    {
        private readonly ChallengeKeySet _keys = new(
            new ChallengeKey("c2", Enumerable.Repeat((byte)2, 32).ToArray()),
            new ChallengeKey("c1", Enumerable.Repeat((byte)1, 32).ToArray()));

        public ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_keys);
    }

    private sealed class AcceptingStore : IUsedChallengeStore
    {
        public Task<bool> TryMarkUsedAsync(string challengeId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(0);
    }
}
