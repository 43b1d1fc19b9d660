using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.AspNetCore.Http;

namespace Attestation.Functions.Http;

/// <summary>Raised when a body is over the contract's 64 KiB (docs/api.md: 413).</summary>
internal sealed class RequestBodyTooLargeException : Exception
{
    public RequestBodyTooLargeException()
        : base($"The request body is larger than {RequestBody.MaxBytes / 1024} KiB.")
    {
    }

    public RequestBodyTooLargeException(string message)
        : base(message)
    {
    }

    public RequestBodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Reads a JSON request body with the contract's size limit and strict shape.</summary>
internal static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    /// <exception cref="RequestBodyTooLargeException">The body is over 64 KiB.</exception>
    /// <exception cref="AttestationException"><c>invalid_request</c>: not JSON, or not the expected shape.</exception>
    public static Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class => ReadAsync<T>(request, ApiJson.Options, cancellationToken);

    /// <summary>Reads the body with other JSON settings (the admin API reads app policies in their stored form).</summary>
    /// <exception cref="RequestBodyTooLargeException">The body is over 64 KiB.</exception>
    /// <exception cref="AttestationException"><c>invalid_request</c>: not JSON, or not the expected shape.</exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBytes)
        {
            throw new RequestBodyTooLargeException();
        }

        // Read at most one byte past the limit, whatever Content-Length claimed (it may be absent, chunked, or wrong).
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            if (length > MaxBytes)
            {
                throw new RequestBodyTooLargeException();
            }

            if (length == 0)
            {
                throw AttestationException.InvalidRequest("The request body is empty; a JSON object is expected.");
            }

            // The JSON reader leaves string contents it does not decode unchecked, so invalid UTF-8 inside a nested value
            // (evidence, proof) would surface later as an exception; refuse it here, for every route at once.
            if (!Utf8.IsValid(buffer.AsSpan(0, length)))
            {
                throw AttestationException.InvalidRequest("The request body is not valid UTF-8.");
            }

            return JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), options)
                ?? throw AttestationException.InvalidRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException malformed)
        {
            // The path (e.g. "$.appId") helps the caller; it holds the body's property names, so it is quoted short and
            // escaped. The parser's message is not needed by the caller.
            var where = string.IsNullOrEmpty(malformed.Path) || malformed.Path == "$" ? "" : $" at {UntrustedText.Quote(malformed.Path)}";
            throw AttestationException.InvalidRequest($"The request body is not valid JSON for this operation{where}: a field is missing, has the wrong type, or the JSON is malformed.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
