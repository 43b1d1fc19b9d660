using System.Collections.Immutable;

namespace Attestation.Core.Revocation;

/// <summary>
/// What an instance knows of the revocation log at one moment: every entry it read (restored ones too, so that an older
/// write arriving late cannot revoke again), and the log's cursor to read on from. Immutable: a change makes a new one.
/// </summary>
internal sealed class RevocationSnapshot
{
    public static readonly RevocationSnapshot Empty = new(ImmutableDictionary<(string AppId, string DeviceId), RevocationEntry>.Empty, 0, null);

    private readonly ImmutableDictionary<(string AppId, string DeviceId), RevocationEntry> _entries;
    private readonly int _revokedCount;

    private RevocationSnapshot(ImmutableDictionary<(string AppId, string DeviceId), RevocationEntry> entries, int revokedCount, string? cursor)
    {
        _entries = entries;
        _revokedCount = revokedCount;
        Cursor = cursor;
    }

    public string? Cursor { get; }

    public bool IsRevoked(string appId, string deviceId) =>
        _revokedCount > 0 && _entries.TryGetValue((appId, deviceId), out var entry) && entry.Revoked;

    /// <summary>This snapshot with <paramref name="changes"/> merged in, each only where it supersedes what is held.</summary>
    public RevocationSnapshot With(IEnumerable<RevocationEntry> changes, string? cursor)
    {
        var entries = _entries.ToBuilder();
        var revokedCount = _revokedCount;
        foreach (var change in changes)
        {
            var key = (change.AppId, change.DeviceId);
            var held = entries.GetValueOrDefault(key);
            if (!change.Supersedes(held))
            {
                continue;
            }

            revokedCount += (change.Revoked ? 1 : 0) - (held?.Revoked == true ? 1 : 0);
            entries[key] = change;
        }

        return new RevocationSnapshot(entries.ToImmutable(), revokedCount, cursor);
    }
}
