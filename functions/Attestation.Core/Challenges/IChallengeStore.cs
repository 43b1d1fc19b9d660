namespace Attestation.Core.Challenges;

/// <summary>Keeps issued challenges until they are redeemed or expire.</summary>
public interface IChallengeStore
{
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task AddAsync(Challenge challenge, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the challenge and returns it, atomically: of any number of concurrent calls for one value exactly one gets it,
    /// the others get null. Null too when it was never issued or is already gone.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<Challenge?> TakeAsync(string value, CancellationToken cancellationToken = default);

    /// <summary>Deletes challenges that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
