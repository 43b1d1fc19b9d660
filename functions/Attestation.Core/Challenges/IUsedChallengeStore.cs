namespace Attestation.Core.Challenges;

/// <summary>
/// Remembers which challenges were used, until they expire. Challenges themselves are never stored
/// (<see cref="SealedChallenge"/>): a challenge is single use because its marker can be written once only.
/// </summary>
public interface IUsedChallengeStore
{
    /// <summary>
    /// Records the challenge <paramref name="challengeId"/> as used, in one conditional write: of any number of concurrent
    /// calls for one id exactly one returns true, and a call whose write succeeded but whose answer was lost (and retried)
    /// still returns true. When the store cannot be reached nothing is recorded, so the challenge stays usable.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryMarkUsedAsync(string challengeId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Forgets markers of challenges that expired before <paramref name="now"/> (they are refused anyway); returns how many.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
