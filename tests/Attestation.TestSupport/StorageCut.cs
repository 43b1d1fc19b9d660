using Azure.Core;
using Azure.Core.Pipeline;

namespace Attestation.TestSupport;

/// <summary>
/// Cuts storage in the middle of an operation: once armed with a table, it calls <see cref="AzuriteProcess.Interrupt"/>
/// just before the first write to that table leaves the client, so that write, its retries and everything after it meet
/// the outage while every earlier write of the same operation has landed. Added to a Table Storage client's options (per
/// retry), it shows what an operation leaves behind when storage goes away between its writes. Fires once per arming.
/// </summary>
public sealed class StorageCut(AzuriteProcess azurite) : HttpPipelinePolicy
{
    private string? _table;
    private int _fired;

    /// <summary>Whether the armed cut happened.</summary>
    public bool Fired => Volatile.Read(ref _fired) == 1;

    /// <summary>Cuts storage at the next write (insert, replace, merge or delete; not a transaction) to <paramref name="table"/>.</summary>
    public void ArmBeforeWriteTo(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        Volatile.Write(ref _fired, 0);
        Volatile.Write(ref _table, table);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        CutIfArmed(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        CutIfArmed(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void CutIfArmed(HttpMessage message)
    {
        var table = Volatile.Read(ref _table);
        if (table is not null && IsWriteTo(message.Request, table) && Interlocked.CompareExchange(ref _table, null, table) == table)
        {
            azurite.Interrupt();
            Volatile.Write(ref _fired, 1);
        }
    }

    /// <summary>
    /// A write to <paramref name="table"/> (any prefix): a request other than GET to <c>/account/{prefix}{table}</c> or to
    /// one of its rows, <c>/account/{prefix}{table}(PartitionKey='…',RowKey='…')</c>. Creating the table (<c>POST /Tables</c>)
    /// is not one.
    /// </summary>
    private static bool IsWriteTo(Request request, string table)
    {
        if (request.Method == RequestMethod.Get || request.Method == RequestMethod.Head)
        {
            return false;
        }

        var path = Uri.UnescapeDataString(request.Uri.Path).TrimEnd('/');
        var resource = path[(path.LastIndexOf('/') + 1)..];
        var parenthesis = resource.IndexOf('(', StringComparison.Ordinal);
        var name = parenthesis < 0 ? resource : resource[..parenthesis];
        return name.EndsWith(table, StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "Tables", StringComparison.OrdinalIgnoreCase);
    }
}
