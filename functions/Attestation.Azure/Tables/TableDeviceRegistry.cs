using Attestation.Core.Devices;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Device registrations. Partition key = the device id (a hash or random key id, so load spreads evenly and one busy app
/// does not make a hot partition); row key = the app id. Concurrency uses the row's ETag.
/// </summary>
public sealed class TableDeviceRegistry(TableStorage storage) : IDeviceRegistry
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

        var entity = DeviceEntity.From(registration);
        return storage.RunAsync(TableStorage.DevicesTable, async table =>
        {
            try
            {
                await table.UpdateEntityAsync(entity, new ETag(registration.ConcurrencyStamp), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException changed) when (changed.Status is 412 or 404)
            {
                return false;
            }
        }, cancellationToken);
    }

    internal sealed class DeviceEntity : IInsertOnceEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? InsertId { get; set; }

        public string Platform { get; set; } = "";

        public byte[]? PublicKey { get; set; }

        public long Counter { get; set; }

        public DateTimeOffset FirstSeen { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public string VerdictSummary { get; set; } = "";

        public string Status { get; set; } = nameof(DeviceStatus.Active);

        public byte[]? Receipt { get; set; }

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
            Receipt);
    }
}
