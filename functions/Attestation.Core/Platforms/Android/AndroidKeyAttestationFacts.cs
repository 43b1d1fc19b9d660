namespace Attestation.Core.Platforms.Android;

/// <summary>
/// What was read from a chain, whatever the outcome, so that the offline tool can show it: the KeyDescription once the
/// leaf's extension was read, the root once the chain verified. Nothing in it is trusted unless verification completed.
/// </summary>
/// <param name="Description">The leaf's KeyDescription, or null when the chain was refused before it was read.</param>
/// <param name="RootKind">The pinned root the chain ends at (<see cref="AndroidAttestationRootKey.Kind"/>), or null when the chain was refused before it verified.</param>
public sealed record AndroidKeyAttestationFacts(KeyDescription? Description, string? RootKind)
{
    /// <summary>Nothing read: the chain was refused before its KeyDescription.</summary>
    public static AndroidKeyAttestationFacts None { get; } = new(null, null);
}
