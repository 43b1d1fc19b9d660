namespace Attestation.AspNetCore.Keys;

/// <summary>Where a scheme's keys come from: configuration, Key Vault or a JWKS.</summary>
internal interface IAttestationKeySource
{
    /// <summary>The keys in use.</summary>
    /// <exception cref="AttestationKeysUnavailableException">No keys were read yet, or the last ones are too old, and the source cannot be read.</exception>
    ValueTask<AttestationKeySet> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>The keys, read again first (at a bounded rate) when they lack <paramref name="kid"/>.</summary>
    /// <exception cref="AttestationKeysUnavailableException">No keys were read yet, or the last ones are too old, and the source cannot be read.</exception>
    ValueTask<AttestationKeySet> GetIncludingAsync(string kid, CancellationToken cancellationToken = default);
}
