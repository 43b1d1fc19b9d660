namespace Attestation.Core.Revocation;

/// <summary>
/// The revocation log: one entry per device that was ever revoked, restored again or had its debug token deleted. Every
/// instance's <see cref="RevocationView"/> reads it, so <c>verify</c> needs no storage call. Entries are never deleted
/// (a restore sets <see cref="RevocationEntry.Revoked"/> to false), so a reader that asks for changes sees restores too.
/// </summary>
public interface IRevocationLog
{
    /// <summary>The entry of <paramref name="deviceId"/> for <paramref name="appId"/>, or null.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The log cannot be reached.</exception>
    Task<RevocationEntry?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="entry"/> unless the log holds one that supersedes it (<see cref="RevocationEntry.Supersedes"/>),
    /// atomically with respect to other writers of the same device; returns the entry the log holds afterwards.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The log cannot be reached, or kept changing under every retry.</exception>
    Task<RevocationEntry> RecordAsync(RevocationEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The entries written since <paramref name="cursor"/> (a cursor this log returned; null: every entry), with the cursor
    /// for the next read. A write that committed while the previous read ran is included in this one.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The log cannot be reached.</exception>
    Task<RevocationChanges> ReadChangesAsync(string? cursor, CancellationToken cancellationToken = default);
}
