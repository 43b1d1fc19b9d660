using Attestation.Core.Apps;
using Attestation.Core.Errors;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// The app registry. One partition (apps are few and always read together), row key = the app id, and the whole policy as
/// one JSON column in <see cref="AppPolicyJson"/>'s form, so that platform sections added to
/// <see cref="AppPolicyConfiguration"/> are stored without this class changing. Concurrency uses the row's ETag.
/// </summary>
public sealed class TableAppStore(TableStorage storage) : IAppStore
{
    private const string Partition = "app";

    public Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        storage.RunAsync<IReadOnlyList<AppRecord>>(TableStorage.AppsTable, async table =>
        {
            var apps = new List<AppRecord>();
            await foreach (var entity in table.QueryAsync<AppEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (entity.ToRecord() is { } record)
                {
                    apps.Add(record);
                }
            }

            return apps;
        }, cancellationToken);

    public Task<AppRecord?> FindAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        return storage.RunAsync(TableStorage.AppsTable, async table =>
        {
            var found = await table.GetEntityIfExistsAsync<AppEntity>(Partition, appId, cancellationToken: cancellationToken).ConfigureAwait(false);
            return found.HasValue && found.Value is { } entity ? entity.ToRecord() : null;
        }, cancellationToken);
    }

    public Task<bool> TryAddAsync(AppPolicyConfiguration app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(app.AppId);
        return storage.TryInsertAsync(TableStorage.AppsTable, AppEntity.From(app), cancellationToken);
    }

    public Task<bool> TryUpdateAsync(AppRecord app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(app.Configuration.AppId);
        if (app.ConcurrencyStamp is null)
        {
            throw new ArgumentException("Only an app read from the store can be updated.", nameof(app));
        }

        return storage.TryReplaceAsync(TableStorage.AppsTable, AppEntity.From(app.Configuration), new ETag(app.ConcurrencyStamp), cancellationToken);
    }

    internal sealed class AppEntity : IWriteStampedEntity
    {
        public string PartitionKey { get; set; } = "";

        public string RowKey { get; set; } = "";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string? WriteId { get; set; }

        /// <summary>The whole <see cref="AppPolicyConfiguration"/> in <see cref="AppPolicyJson"/>'s form.</summary>
        public string Policy { get; set; } = "";

        public static AppEntity From(AppPolicyConfiguration app) => new()
        {
            PartitionKey = Partition,
            RowKey = app.AppId!,
            Policy = AppPolicyJson.Serialize(app),
        };

        /// <summary>
        /// The stored app; null for a row whose JSON no longer reads (edited by hand, say), which the registry then does not
        /// serve rather than failing every lookup.
        /// </summary>
        public AppRecord? ToRecord()
        {
            try
            {
                var app = AppPolicyJson.Deserialize(Policy);
                return string.Equals(app.AppId, RowKey, StringComparison.Ordinal) ? new AppRecord(app, ETag.ToString()) : null;
            }
            catch (AttestationException)
            {
                return null;
            }
        }
    }
}
