using System.Globalization;
using Attestation.Core.Errors;
using Attestation.Core.Revocation;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// The revocation log in the <c>revocations</c> table: one partition, one row per (app, device) ever revoked, never deleted
/// (a restore sets <c>Revoked</c> false). Instances read what changed by the rows' <c>Timestamp</c>, which the service sets
/// at each write, from the newest <c>Timestamp</c> they have seen less <see cref="DefaultOverlap"/>.
/// </summary>
/// <remarks>
/// One partition, because a read of changes is one query (a filter on <c>Timestamp</c> within it, scanned by the service,
/// which sends only the matching rows) and writes are rare (administrators). The overlap covers a write whose
/// <c>Timestamp</c> was set before a read ran but which committed after it, and steps of the service's clock when the
/// partition moves between servers: a write that commits more than <see cref="DefaultOverlap"/> after its <c>Timestamp</c>, or
/// a clock step larger than it, could be missed by instances that already read past it (until they restart).
/// </remarks>
/// <param name="storage">The tables.</param>
/// <param name="overlap">How far back from the newest <c>Timestamp</c> seen each read starts; <see cref="DefaultOverlap"/> unless a test sets it.</param>
public sealed class TableRevocationLog(TableStorage storage, TimeSpan? overlap = null) : IRevocationLog
{
    /// <summary>How far back from the newest <c>Timestamp</c> seen each read of changes starts.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromMinutes(1);

    private readonly TimeSpan _overlap = overlap ?? DefaultOverlap;

    private const string Partition = "revocations";
    private const int MaxAttempts = 16;

    public Task<RevocationEntry?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return storage.RunAsync(TableStorage.RevocationsTable, async table =>
        {
            var found = await table.GetEntityIfExistsAsync<RevocationEntity>(Partition, RowKeyOf(appId, deviceId), cancellationToken: cancellationToken).ConfigureAwait(false);
            return found.HasValue && found.Value is { } entity ? entity.ToEntry() : null;
        }, cancellationToken);
    }

    public Task<RevocationEntry> RecordAsync(RevocationEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.AppId);
        ArgumentException.ThrowIfNullOrEmpty(entry.DeviceId);
        var rowKey = RowKeyOf(entry.AppId, entry.DeviceId);
        return storage.RunAsync(TableStorage.RevocationsTable, async table =>
        {
            // Read, compare, write conditionally on what was read; again on a conflict. A retried write whose response
            // was lost meets its own row, which no longer needs writing.
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var found = await table.GetEntityIfExistsAsync<RevocationEntity>(Partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                var stored = found.HasValue ? found.Value : null;
                var held = stored?.ToEntry();
                if (!entry.Supersedes(held))
                {
                    return held!;
                }

                var row = RevocationEntity.From(entry, rowKey);
                try
                {
                    if (stored is null)
                    {
                        await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await table.UpdateEntityAsync(row, stored.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    }

                    return entry;
                }
                catch (RequestFailedException conflict) when (conflict.Status is 409 or 412 or 404)
                {
                    // Another writer came first: compare with what it wrote.
                }
            }

            throw new DependencyUnavailableException("The revocation entry kept changing while it was being written; retry.");
        }, cancellationToken);
    }

    public Task<RevocationChanges> ReadChangesAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        var since = ReadCursor(cursor);
        return storage.RunAsync(TableStorage.RevocationsTable, async table =>
        {
            var filter = since is { } newest
                ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Timestamp ge {newest - _overlap}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
            var entries = new List<RevocationEntry>();
            var newestSeen = since;
            await foreach (var entity in table.QueryAsync<RevocationEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entity.ToEntry());
                if (entity.Timestamp is { } written && (newestSeen is null || written > newestSeen))
                {
                    newestSeen = written;
                }
            }

            return new RevocationChanges(entries, newestSeen?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }, cancellationToken);
    }

    /// <summary>'|' cannot occur in an app id or a base64url device id, so the key is unambiguous.</summary>
    private static string RowKeyOf(string appId, string deviceId) => appId + "|" + deviceId;

    private static DateTimeOffset? ReadCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(cursor, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var since)
            ? since
            : throw new ArgumentException("The cursor is not one this log returned.", nameof(cursor));
    }

    internal sealed class RevocationEntity : ITableEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string AppId { get; set; } = "";

        public string DeviceId { get; set; } = "";

        public bool Revoked { get; set; }

        public long Version { get; set; }

        public static RevocationEntity From(RevocationEntry entry, string rowKey) => new()
        {
            PartitionKey = Partition,
            RowKey = rowKey,
            AppId = entry.AppId,
            DeviceId = entry.DeviceId,
            Revoked = entry.Revoked,
            Version = entry.Version,
        };

        public RevocationEntry ToEntry() => new(AppId, DeviceId, Revoked, Version);
    }
}
