namespace Attestation.Core.Challenges;

/// <summary>Supplies the challenge keys. Implementations cache: issuing a challenge must not call a vault.</summary>
public interface IChallengeKeyProvider
{
    /// <summary>The current and previous challenge keys.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">No key has ever been loaded and the vault cannot be reached.</exception>
    ValueTask<ChallengeKeySet> GetKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The keys, reloaded first when <paramref name="keyId"/> is not among them and the provider may have missed a rotation
    /// (another instance may already seal with a version this one has not loaded yet). Implementations limit how often
    /// this reloads, since the key id comes from the caller.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">No key has ever been loaded and the vault cannot be reached.</exception>
    ValueTask<ChallengeKeySet> GetKeysIncludingAsync(uint keyId, CancellationToken cancellationToken = default) => GetKeysAsync(cancellationToken);
}
