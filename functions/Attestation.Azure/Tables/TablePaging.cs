using Attestation.Core.Errors;
using Attestation.Core.Text;
using Azure;
using Azure.Data.Tables;

namespace Attestation.Azure.Tables;

/// <summary>
/// The admin listings' paging over a filtered scan: a page holds exactly the rows asked for unless the scan ends, and the
/// SDK's continuation token travels to callers as one opaque, URL-safe base64url word.
/// </summary>
internal static class TablePaging
{
    /// <summary>Reads one page of <paramref name="pageSize"/> rows from <paramref name="next"/> (a token <see cref="ReadContinuation"/> decoded).</summary>
    /// <returns>The rows read and the continuation to hand back, or null at the end of the scan.</returns>
    public static async Task<(List<TItem> Items, string? Continuation)> ReadPageAsync<TEntity, TItem>(
        TableClient table, string filter, int pageSize, string? next, Func<TEntity, TItem> read, CancellationToken cancellationToken)
        where TEntity : class, ITableEntity
    {
        // A filtered scan may answer a page with fewer rows than asked (even none) and a continuation: keep reading
        // until the page is full or the table ends, so that a caller sees an empty page only at the end.
        var items = new List<TItem>();
        var tokenFromCaller = next is not null;
        do
        {
            var pages = table.QueryAsync<TEntity>(filter, maxPerPage: pageSize - items.Count, cancellationToken: cancellationToken)
                .AsPages(next, pageSize - items.Count);
            Page<TEntity>? page = null;
            try
            {
                await foreach (var first in pages.ConfigureAwait(false))
                {
                    page = first;
                    break;
                }
            }
            catch (RequestFailedException refused) when (refused.Status == 400 && tokenFromCaller)
            {
                throw AttestationException.InvalidRequest("continuation is not a token this listing returned.");
            }

            items.AddRange(page?.Values.Select(read) ?? []);
            next = page?.ContinuationToken;
        }
        while (items.Count < pageSize && next is not null);

        return (items, next is null ? null : Base64Flexible.ToBase64Url(System.Text.Encoding.UTF8.GetBytes(next)));
    }

    /// <summary>Decodes a caller's continuation, refusing anything this listing could not have returned.</summary>
    public static string? ReadContinuation(string? continuation)
    {
        if (continuation is null)
        {
            return null;
        }

        if (!Base64Flexible.IsBase64UrlText(continuation, 2048) || !Base64Flexible.TryDecode(continuation, out var bytes)
            || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw AttestationException.InvalidRequest("continuation is not a token this listing returned.");
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes);
        return text.Length > 0 && !text.Any(char.IsControl)
            ? text
            : throw AttestationException.InvalidRequest("continuation is not a token this listing returned.");
    }
}
