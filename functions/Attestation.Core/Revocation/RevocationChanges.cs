namespace Attestation.Core.Revocation;

/// <summary>The entries of the revocation log that changed since a cursor, and the cursor to read from next time.</summary>
/// <param name="Entries">The entries changed since the cursor; may repeat entries read before (reads overlap on purpose).</param>
/// <param name="Cursor">Opaque to Core: what <see cref="IRevocationLog.ReadChangesAsync"/> takes next; null reads everything.</param>
public sealed record RevocationChanges(IReadOnlyList<RevocationEntry> Entries, string? Cursor);
