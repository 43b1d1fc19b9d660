using System.Collections.Concurrent;
using System.Net.Sockets;
using Attestation.Core.Errors;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;

namespace Attestation.Azure.Tables;

/// <summary>A row written at most once, stamped with the id of the call that wrote it (see <see cref="TableStorage.TryInsertAsync{T}"/>).</summary>
public interface IInsertOnceEntity : ITableEntity
{
    string? InsertId { get; set; }
}
