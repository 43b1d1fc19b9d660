namespace Attestation.Core.Tokens;

/// <summary>Supplies the signing keys. Implementations cache: the token hot path must not call a vault.</summary>
public interface ISigningKeyProvider
{
    /// <summary>The current and previous signing keys.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">No key has ever been loaded and the vault cannot be reached.</exception>
    ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The keys, reloaded first when <paramref name="kid"/> is not among them and the provider may have missed a rotation
    /// (another instance may already sign with a version this one has not loaded yet). Implementations limit how often
    /// this reloads, since the kid comes from the caller.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">No key has ever been loaded and the vault cannot be reached.</exception>
    ValueTask<SigningKeySet> GetKeysIncludingAsync(string kid, CancellationToken cancellationToken = default) => GetKeysAsync(cancellationToken);

    /// <summary>True when the keys are loaded and the source answered at the last attempt (for the health endpoint).</summary>
    ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default);
}
