using Attestation.Core.Errors;
using Attestation.Core.Tokens;

namespace Attestation.Core.Health;

/// <summary>The signing key can be loaded, and its source answered at the last attempt.</summary>
public sealed class SigningKeyHealthCheck(ISigningKeyProvider signingKeys) : IDependencyHealthCheck
{
    public string Name => "signing key";

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Loads the keys if nothing asked for them yet, so a fresh instance reports on the vault, not on its empty cache.
            await signingKeys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            return false;
        }

        return await signingKeys.IsHealthyAsync(cancellationToken).ConfigureAwait(false);
    }
}
