namespace Attestation.Core.Challenges;

/// <summary>The challenge keys redeeming accepts: the current version (which also seals) and the one before it, nothing else.</summary>
public sealed class ChallengeKeySet
{
    public ChallengeKeySet(ChallengeKey current, ChallengeKey? previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        Current = current;
        Previous = previous;
    }

    public ChallengeKey Current { get; }

    public ChallengeKey? Previous { get; }

    /// <summary>
    /// The key whose id is <paramref name="keyId"/>, or null. Should two versions ever share an id (a one in 2^32 chance),
    /// the current one wins and challenges of the previous one are refused: a client asks for a new one.
    /// </summary>
    public ChallengeKey? Find(uint keyId) =>
        Current.KeyId == keyId ? Current
        : Previous is not null && Previous.KeyId == keyId ? Previous
        : null;
}
