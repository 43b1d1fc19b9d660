using Microsoft.IdentityModel.Tokens;

namespace Attestation.Core.Tokens;

/// <summary>The keys verification accepts: the current version (which also signs) and the one before it, nothing else.</summary>
public sealed class SigningKeySet
{
    public SigningKeySet(SigningKey current, SigningKey? previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        Current = current;
        Previous = previous;
    }

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
