using System.Collections.Concurrent;
using System.Net.Sockets;
using Attestation.Core.Errors;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;

namespace Attestation.Azure.Tables;

/// <summary>
/// The tables of the backend. Tables are created on first use rather than at start, so that the app starts (and answers
/// 503 <c>unavailable</c>) while storage is down, and recovers on its own once it is back. Every storage call goes through
/// <see cref="RunAsync{T}"/>, which turns transport failures into <see cref="DependencyUnavailableException"/>.
/// </summary>
public sealed class TableStorage
{
    public const string UsedChallengesTable = "usedchallenges";
    public const string DevicesTable = "devices";
    public const string ConsumedTokensTable = "consumedtokens";
    public const string AppsTable = "apps";
    public const string RevocationsTable = "revocations";
    public const string BatchCertificatesTable = "batchcertificates";

    private const string DependencyName = "Table Storage";
    private readonly TableServiceClient _service;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<string, TableClient> _ready = new(StringComparer.Ordinal);

    public TableStorage(TableServiceClient service, string tablePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _prefix = tablePrefix ?? "";
    }

    /// <summary>
    /// The most expired markers one clean-up run deletes per table: <see cref="ExpiringMarkers.MaxRowsPerRun"/>. Tests lower it
    /// to reach the cap through the whole timer path without first writing ten thousand rows.
    /// </summary>
    internal int MaxExpiredRowsPerRun { get; init; } = ExpiringMarkers.MaxRowsPerRun;

    /// <summary>Client options for this backend (<see cref="AzureClientRetry"/>).</summary>
    public static TableClientOptions CreateClientOptions()
    {
        var options = new TableClientOptions();
        AzureClientRetry.ApplyFastFailure(options.Retry);
        return options;
    }

    /// <summary>Runs <paramref name="operation"/> on the named table, creating the table the first time.</summary>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached or answered with a server error.</exception>
    public async Task<T> RunAsync<T>(string table, Func<TableClient, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            var client = await GetTableAsync(table, cancellationToken).ConfigureAwait(false);
            try
            {
                return await operation(client).ConfigureAwait(false);
            }
            catch (RequestFailedException missing) when (missing.ErrorCode == "TableNotFound")
            {
                // The table went away after it was created (deleted by hand, or an emulator restarted with empty storage):
                // create it again once rather than failing every call until the process restarts.
                _ready.TryRemove(table, out _);
                client = await GetTableAsync(table, cancellationToken).ConfigureAwait(false);
                return await operation(client).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (IsOutage(exception, cancellationToken))
        {
            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    /// <summary>
    /// Inserts <paramref name="entity"/> unless its key exists: true when this call wrote it. The service accepts one insert
    /// of a key and answers 409 to every other, which makes "first writer wins" atomic. Each call stamps the row with an id
    /// of its own, so that when the SDK retries an insert whose response was lost, the 409 it then gets is recognised as
    /// this call's own write rather than someone else's.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached or answered with a server error.</exception>
    public Task<bool> TryInsertAsync<T>(string table, T entity, CancellationToken cancellationToken = default)
        where T : IWriteStampedEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        var writeId = Stamp(entity);
        return RunAsync(table, async client =>
        {
            try
            {
                await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                return await IsOwnWriteAsync(client, entity, writeId, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces the row of <paramref name="entity"/> if it still has the version <paramref name="ifMatch"/>: true when this
    /// call wrote it, false when the row changed or went away since it was read. The service applies an If-Match write at
    /// most once per version, so of two writers that read the same version only one succeeds. As with
    /// <see cref="TryInsertAsync{T}"/>, each call stamps the row with an id of its own: when the SDK retries a write whose
    /// response was lost, the retry meets the version this call wrote (412) and recognises it.
    /// </summary>
    /// <remarks>
    /// Only the row's current stamp is compared. Should another writer replace the row between this call's lost write and
    /// its retry (milliseconds, within the SDK's retry delay), this call answers false although its write was stored, and
    /// then overwritten; that writer had read it, so nothing it wrote is lost.
    /// </remarks>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached or answered with a server error.</exception>
    public Task<bool> TryReplaceAsync<T>(string table, T entity, ETag ifMatch, CancellationToken cancellationToken = default)
        where T : IWriteStampedEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        var writeId = Stamp(entity);
        return RunAsync(table, async client =>
        {
            try
            {
                await client.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException changed) when (changed.Status == 412)
            {
                return await IsOwnWriteAsync(client, entity, writeId, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException gone) when (gone.Status == 404)
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>A fresh random id per write: another writer can neither guess it nor carry it by chance.</summary>
    private static string Stamp(IWriteStampedEntity entity)
    {
        var writeId = Guid.NewGuid().ToString("N");
        entity.WriteId = writeId;
        return writeId;
    }

    private static async Task<bool> IsOwnWriteAsync(TableClient client, IWriteStampedEntity entity, string writeId, CancellationToken cancellationToken)
    {
        var existing = await client.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, [nameof(IWriteStampedEntity.WriteId)], cancellationToken).ConfigureAwait(false);
        return existing.HasValue && string.Equals(existing.Value?.GetString(nameof(IWriteStampedEntity.WriteId)), writeId, StringComparison.Ordinal);
    }

    private async Task<TableClient> GetTableAsync(string table, CancellationToken cancellationToken)
    {
        if (_ready.TryGetValue(table, out var ready))
        {
            return ready;
        }

        var client = _service.GetTableClient(_prefix + table);
        await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        _ready[table] = client;
        return client;
    }

    /// <summary>True for failures of the service, the network or the credential, as opposed to answers about the data (404, 409, 412).</summary>
    internal static bool IsOutage(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        // 401/403: the account refuses this identity (a role assignment missing or still propagating after a deployment).
        RequestFailedException failed => failed.Status is 0 or 401 or 403 or 408 or 429 or >= 500,
        AuthenticationFailedException or CredentialUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsOutage(inner, cancellationToken)),
        HttpRequestException or SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
