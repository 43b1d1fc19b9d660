using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Text;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Device registrations. Partition key = the device id (a hash or random key id, so load spreads evenly and one busy app
/// does not make a hot partition); row key = the app id. Concurrency uses the row's ETag.
/// </summary>
/// <remarks>
/// A device's registrations are one partition (a cheap query). An app's devices are a filter on the row key across
/// partitions, a table scan: acceptable for an admin listing, paged, and never on a device-facing path.
/// </remarks>
public sealed class TableDeviceStore(TableStorage storage) : IDeviceStore, IDeviceDirectory, IAppleRiskMetricDevices
{
    public Task<DeviceRegistration?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return storage.RunAsync(TableStorage.DevicesTable, async table =>
        {
            var found = await table.GetEntityIfExistsAsync<DeviceEntity>(deviceId, appId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return found.HasValue && found.Value is { } entity ? entity.ToRegistration() : null;
        }, cancellationToken);
    }

    public Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return storage.TryInsertAsync(TableStorage.DevicesTable, DeviceEntity.From(registration), cancellationToken);
    }

    public Task<bool> TryUpdateAsync(DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration.ConcurrencyStamp is null)
        {
            throw new ArgumentException("Only a registration read from the store can be updated.", nameof(registration));
        }

        return storage.TryReplaceAsync(TableStorage.DevicesTable, DeviceEntity.From(registration), new ETag(registration.ConcurrencyStamp), cancellationToken);
    }

    public Task ImitateUpdateAsync(string appId, string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);

        // A merge of no properties: even a store that accepted the version would change nothing but the row's timestamp.
        // Not through TableStorage.TryReplaceAsync: its read-back after a 412 is a call that a genuine, successful write
        // does not make, and this must cost what that write costs.
        var entity = new TableEntity(deviceId, appId);
        return storage.RunAsync(TableStorage.DevicesTable, async table =>
        {
            try
            {
                await table.UpdateEntityAsync(entity, NeverCurrent, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException refused) when (refused.Status is 412 or 404)
            {
                // The expected answer: 412 for a registered device, 404 for an unknown one.
            }

            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DeviceRegistration>> ListByDeviceAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        return storage.RunAsync<IReadOnlyList<DeviceRegistration>>(TableStorage.DevicesTable, async table =>
        {
            var found = new List<DeviceRegistration>();
            await foreach (var entity in table.QueryAsync<DeviceEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {deviceId}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                found.Add(entity.ToRegistration());
            }

            return found;
        }, cancellationToken);
    }

    public Task<DevicePage> ListByAppAsync(string appId, int pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var next = TablePaging.ReadContinuation(continuation);
        return storage.RunAsync(TableStorage.DevicesTable, async table =>
        {
            var (devices, more) = await TablePaging.ReadPageAsync<DeviceEntity, DeviceRegistration>(
                table, TableClient.CreateQueryFilter($"RowKey eq {appId}"), pageSize, next, e => e.ToRegistration(), cancellationToken).ConfigureAwait(false);
            return new DevicePage(devices, more);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DeviceRegistration>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return storage.RunAsync<IReadOnlyList<DeviceRegistration>>(TableStorage.DevicesTable, async table =>
        {
            // Platform and status are filtered by the service. Due-ness is checked here: a row written before the risk
            // metric's fields existed lacks them, and a service filter on a missing property never matches. This is a scan,
            // for a timer, never on a device-facing path; it stops as soon as the run's share is found.
            var due = new List<DeviceRegistration>();
            var filter = TableClient.CreateQueryFilter($"Platform eq {PlatformNames.AppleAppAttest} and Status eq {nameof(DeviceStatus.Active)}");
            await foreach (var entity in table.QueryAsync<DeviceEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (entity.Receipt is { Length: > 0 } && entity.ReceiptRefreshEnded != true && (entity.NextReceiptExchangeAt is null || entity.NextReceiptExchangeAt <= now))
                {
                    due.Add(entity.ToRegistration());
                    if (due.Count == max)
                    {
                        break;
                    }
                }
            }

            return due;
        }, cancellationToken);
    }

    /// <summary>A syntactically valid Table Storage ETag (a write's timestamp) that no row carries: no row was written in 1970.</summary>
    private static readonly ETag NeverCurrent = new("W/\"datetime'1970-01-01T00%3A00%3A00.0000000Z'\"");

    internal sealed class DeviceEntity : IWriteStampedEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? WriteId { get; set; }

        public string Platform { get; set; } = "";

        public byte[]? PublicKey { get; set; }

        public long Counter { get; set; }

        public DateTimeOffset FirstSeen { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public string VerdictSummary { get; set; } = "";

        public string Status { get; set; } = nameof(DeviceStatus.Active);

        public byte[]? Receipt { get; set; }

        public long StatusVersion { get; set; }

        // Both optional: a row written before they existed reads with null, which DeviceRegistration defines.
        public DateTimeOffset? AttestedAt { get; set; }

        public string? AttestedFacts { get; set; }

        // The risk metric's fields (App Attest); a row written before they existed reads as never exchanged.
        public long? RiskMetric { get; set; }

        public DateTimeOffset? RiskMetricUpdatedAt { get; set; }

        public DateTimeOffset? NextReceiptExchangeAt { get; set; }

        public bool? ReceiptRefreshEnded { get; set; }

        public int? ReceiptExchangeFailures { get; set; }

        public static DeviceEntity From(DeviceRegistration registration) => new()
        {
            PartitionKey = registration.DeviceId,
            RowKey = registration.AppId,
            Platform = registration.Platform,
            PublicKey = registration.PublicKey,
            Counter = registration.Counter,
            FirstSeen = registration.FirstSeen,
            LastSeen = registration.LastSeen,
            VerdictSummary = registration.VerdictSummary,
            Status = registration.Status.ToString(),
            Receipt = registration.Receipt,
            StatusVersion = registration.StatusVersion,
            AttestedAt = registration.AttestedAt,
            AttestedFacts = registration.AttestedFacts,
            RiskMetric = registration.RiskMetric,
            RiskMetricUpdatedAt = registration.RiskMetricUpdatedAt,
            NextReceiptExchangeAt = registration.NextReceiptExchangeAt,
            ReceiptRefreshEnded = registration.ReceiptRefreshEnded ? true : null,
            ReceiptExchangeFailures = registration.ReceiptExchangeFailures == 0 ? null : registration.ReceiptExchangeFailures,
        };

        public DeviceRegistration ToRegistration() => new(
            RowKey,
            PartitionKey,
            Platform,
            PublicKey,
            Counter,
            FirstSeen,
            LastSeen,
            VerdictSummary,
            Enum.TryParse<DeviceStatus>(Status, out var status) ? status : DeviceStatus.Revoked,
            ETag.ToString(),
            Receipt,
            StatusVersion,
            AttestedAt,
            AttestedFacts,
            RiskMetric,
            RiskMetricUpdatedAt,
            NextReceiptExchangeAt,
            ReceiptRefreshEnded ?? false,
            ReceiptExchangeFailures ?? 0);
    }
}
