using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// A row stamped with a random id of the call that last wrote it (<see cref="TableStorage.TryInsertAsync{T}"/>,
/// <see cref="TableStorage.TryReplaceAsync{T}"/>), so that a write retried after its response was lost recognises its own row.
/// </summary>
/// <remarks>
/// The column was named <c>InsertId</c> while only inserts set it. A row written then keeps that column until its next
/// write replaces it; it reads as a row with no <see cref="WriteId"/>, which no call claims as its own.
/// </remarks>
public interface IWriteStampedEntity : ITableEntity
{
    string? WriteId { get; set; }
}
