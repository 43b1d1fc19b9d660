using Attestation.Core.Errors;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Text;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// Factory batch certificates and the keys counted under them. Partition key = the certificate's SHA-256 (hex); in it, one
/// row <see cref="CertificateRow"/> holds the count, and one row per counted key (<see cref="KeyRowPrefix"/> + key id)
/// holds that key's ordinal.
/// </summary>
/// <remarks>
/// A new key's row and the count are written in one entity group transaction (both rows share the partition): the
/// transaction inserts the key's row, which fails if the key was already counted, and replaces the count row only if its
/// ETag is still the one read, which fails if another key was counted meanwhile. Either both writes happen or neither, so
/// a failure (or an outage) at any point leaves nothing half done: the next attempt of the same key reads its row, or
/// counts it afresh. Concurrent keys of one certificate serialise on the count row's ETag; the losers read again.
/// Counting a new key costs two calls (one partition read, one transaction); a key already counted, one.
/// </remarks>
public sealed class TableAndroidBatchCertificateStore(TableStorage storage) : IAndroidBatchCertificateStore
{
    /// <summary>The row key of a certificate's count.</summary>
    public const string CertificateRow = "certificate";

    /// <summary>The row key prefix of a counted key.</summary>
    public const string KeyRowPrefix = "key:";

    // Each lost race means another key was counted: a certificate whose keys arrive this fast is already flagged.
    private const int MaxAttempts = 32;

    public Task<AndroidBatchCertificateCount> CountKeyAsync(AndroidBatchCertificate certificate, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var keyRow = KeyRowPrefix + keyId;
        return storage.RunAsync(TableStorage.BatchCertificatesTable, async table =>
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                CertificateEntity? counted = null;
                KeyEntity? key = null;
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {certificate.Sha256} and (RowKey eq {CertificateRow} or RowKey eq {keyRow})");
                await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (row.RowKey == CertificateRow)
                    {
                        counted = CertificateEntity.Read(row);
                    }
                    else
                    {
                        key = KeyEntity.Read(row);
                    }
                }

                if (key is not null)
                {
                    return new AndroidBatchCertificateCount(key.Ordinal, Math.Max(counted?.Devices ?? 0, key.Ordinal));
                }

                var devices = (counted?.Devices ?? 0) + 1;
                var keyEntity = new TableEntity(certificate.Sha256, keyRow) { ["Ordinal"] = devices, ["CountedAt"] = at };
                var countEntity = new TableEntity(certificate.Sha256, CertificateRow)
                {
                    ["Subject"] = counted?.Subject ?? certificate.Subject,
                    ["Devices"] = devices,
                    ["FirstSeen"] = counted?.FirstSeen ?? at,
                    ["LastSeen"] = at,
                };
                TableTransactionAction[] actions = counted is null
                    ? [new(TableTransactionActionType.Add, keyEntity), new(TableTransactionActionType.Add, countEntity)]
                    : [new(TableTransactionActionType.Add, keyEntity), new(TableTransactionActionType.UpdateReplace, countEntity, counted.ETag)];
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    return new AndroidBatchCertificateCount(devices, devices);
                }
                catch (TableTransactionFailedException lost) when (lost.Status is 409 or 412)
                {
                    // The key was counted (by another attempt, or by this one's write whose answer was lost and retried),
                    // or another key was counted first: read again.
                }
            }

            throw new DependencyUnavailableException("The batch certificate's count kept changing while a key was counted; retry.");
        }, cancellationToken);
    }

    public Task<AndroidBatchCertificatePage> ListAsync(long minDevices, int pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var next = TablePaging.ReadContinuation(continuation);
        return storage.RunAsync(TableStorage.BatchCertificatesTable, async table =>
        {
            var (certificates, more) = await TablePaging.ReadPageAsync<TableEntity, AndroidBatchCertificateRecord>(
                table, TableClient.CreateQueryFilter($"RowKey eq {CertificateRow} and Devices ge {minDevices}"), pageSize, next,
                row => CertificateEntity.Read(row).ToRecord(), cancellationToken).ConfigureAwait(false);
            return new AndroidBatchCertificatePage(certificates, more);
        }, cancellationToken);
    }

    private sealed record CertificateEntity(string Sha256, string Subject, long Devices, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, ETag ETag)
    {
        public static CertificateEntity Read(TableEntity row) => new(
            row.PartitionKey,
            row.GetString("Subject") ?? "",
            row.GetInt64("Devices") ?? 0,
            row.GetDateTimeOffset("FirstSeen") ?? default,
            row.GetDateTimeOffset("LastSeen") ?? default,
            row.ETag);

        // Stored escaped already; escaped again (idempotent) in case a row was written by hand.
        public AndroidBatchCertificateRecord ToRecord() =>
            new(Sha256, UntrustedText.Escape(Subject, AndroidBatchCertificate.MaxSubjectLength), Devices, FirstSeen, LastSeen);
    }

    private sealed record KeyEntity(long Ordinal)
    {
        public static KeyEntity Read(TableEntity row) => new(row.GetInt64("Ordinal") ?? 0);
    }
}
