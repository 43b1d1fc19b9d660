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
        where T : IInsertOnceEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        var insertId = Guid.NewGuid().ToString("N");
        entity.InsertId = insertId;
        return RunAsync(table, async client =>
        {
            try
            {
                await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                var existing = await client.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, [nameof(IInsertOnceEntity.InsertId)], cancellationToken).ConfigureAwait(false);
                return existing.HasValue && existing.Value?.GetString(nameof(IInsertOnceEntity.InsertId)) == insertId;
            }
        }, cancellationToken);
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
