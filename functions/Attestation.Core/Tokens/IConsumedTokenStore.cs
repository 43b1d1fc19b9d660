namespace Attestation.Core.Tokens;

/// <summary>Remembers single-use tokens that were consumed, until they expire.</summary>
public interface IConsumedTokenStore
{
    /// <summary>
    /// Records <paramref name="tokenId"/> as consumed, atomically: of concurrent calls for one id exactly one returns true.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryConsumeAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Forgets consumed tokens that expired before <paramref name="now"/> (they fail verification anyway); returns how many.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
