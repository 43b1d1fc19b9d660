namespace Attestation.Core.Tokens;

/// <summary>Supplies the signing keys. Implementations cache: the token hot path must not call a vault.</summary>
public interface ISigningKeyProvider
{
    /// <summary>The current and previous signing keys.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">No key has ever been loaded and the vault cannot be reached.</exception>
    ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default);
}
