using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>The keys verification accepts: the current version (which also signs) and the one before it, nothing else.</summary>
public sealed class SigningKeySet
{
    public SigningKeySet(SigningKey current, SigningKey? previous)
    {
        ArgumentNullException.ThrowIfNull(current);

        // One algorithm per deployment: a set that mixed them would let a verifier accept either.
        if (previous is not null && previous.Algorithm != current.Algorithm)
        {
            throw new ArgumentException("The previous signing key must use the algorithm of the current one.", nameof(previous));
        }

        Current = current;
        Previous = previous;
    }

    /// <summary>The algorithm of every key in the set.</summary>
    public TokenAlgorithm Algorithm => Current.Algorithm;

    /// <summary>ES256: the public keys that verify tokens, current first (the JWKS). HS256: empty, nothing is public.</summary>
    public IReadOnlyList<PublicSigningKey> PublicKeys =>
        new[] { Current.PublicKey, Previous?.PublicKey }.OfType<PublicSigningKey>().ToArray();

    public SigningKey Current { get; }

    public SigningKey? Previous { get; }

    /// <summary>The key whose version is <paramref name="kid"/>, or null when it is neither the current nor the previous one.</summary>
    public SigningKey? Find(string? kid)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return null;
        }

        if (string.Equals(kid, Current.Version, StringComparison.Ordinal))
        {
            return Current;
        }

        return Previous is not null && string.Equals(kid, Previous.Version, StringComparison.Ordinal) ? Previous : null;
    }
}
