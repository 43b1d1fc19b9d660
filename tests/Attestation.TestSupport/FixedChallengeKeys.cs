using Attestation.Core.Challenges;

namespace Attestation.TestSupport;

/// <summary>A challenge key set that never changes: for tests that seal challenges without Key Vault.</summary>
public sealed class FixedChallengeKeys(ChallengeKeySet keys) : IChallengeKeyProvider
{
    /// <summary>One key, version "c1".</summary>
    public FixedChallengeKeys()
        : this(new ChallengeKeySet(new ChallengeKey("c1", Enumerable.Repeat((byte)9, 32).ToArray()), null))
    {
    }

    public ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(keys);
}
