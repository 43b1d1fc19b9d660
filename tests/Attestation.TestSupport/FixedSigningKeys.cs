using Attestation.Core.Tokens;

namespace Attestation.TestSupport;

/// <summary>A token signing key set that never changes and is always healthy: for tests of what is signed, not of where keys come from.</summary>
public sealed class FixedSigningKeys(SigningKeySet keys) : ISigningKeyProvider
{
    /// <summary>One HS256 key, version "v1".</summary>
    public FixedSigningKeys()
        : this(new SigningKeySet(new SigningKey("v1", Enumerable.Repeat((byte)7, 32).ToArray()), null))
    {
    }

    public ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(keys);

    public ValueTask<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
}
