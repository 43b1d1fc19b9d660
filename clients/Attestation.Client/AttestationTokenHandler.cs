using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Client;

/// <summary>
/// Adds the <c>Attestation-Token</c> header to every request to a protected API. When the API answers 401 with code
/// <c>attestation_token_invalid</c> (API Management's policy, the ASP.NET Core package), it gets a new token and sends an
/// idempotent request once more; any other request gets the 401 back, since sending it again could do its work twice.
/// </summary>
public sealed class AttestationTokenHandler : DelegatingHandler
{
    /// <summary>The header API Management's fragment reads by default (README, <c>tokenHeaderName</c>).</summary>
    public const string DefaultHeaderName = "Attestation-Token";

    private const string TokenInvalidCode = "attestation_token_invalid";

    private readonly AttestationTokenSource _tokens;
    private readonly AttestationTokenHandlerOptions _options;
    private readonly ILogger _logger;

    /// <exception cref="ArgumentException">The options name no header.</exception>
    public AttestationTokenHandler(AttestationTokenSource tokens, AttestationTokenHandlerOptions? options = null, ILogger<AttestationTokenHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _options = options ?? new AttestationTokenHandlerOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.HeaderName);
        _tokens = tokens;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <exception cref="AttestationException">No token could be had (see <see cref="AttestationTokenSource.GetTokenAsync"/>).</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bindTo = _options.Binding?.Invoke(request);
        var retriable = _options.RetriedMethods.Contains(request.Method);

        // A body can be read once; a request that may go twice keeps a copy of its bytes for the second time.
        var body = retriable && request.Content is not null
            ? await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)
            : null;

        var token = await _tokens.GetTokenAsync(bindTo, cancellationToken).ConfigureAwait(false);
        SetToken(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !await IsTokenRefusalAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        _tokens.Invalidate(token);
        if (!retriable)
        {
            Log.ApiRefusedTokenNoRetry(_logger, request.Method.Method);
            return response;
        }

        Log.ApiRefusedToken(_logger, request.Method.Method);
        response.Dispose();
        var fresh = await _tokens.GetTokenAsync(bindTo, cancellationToken).ConfigureAwait(false);
        using var again = Copy(request, body);
        SetToken(again, fresh);
        return await base.SendAsync(again, cancellationToken).ConfigureAwait(false);
    }

    private void SetToken(HttpRequestMessage request, AttestationToken token)
    {
        request.Headers.Remove(_options.HeaderName);
        request.Headers.TryAddWithoutValidation(_options.HeaderName, token.Value);
    }

    private static async Task<bool> IsTokenRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Buffered, so that the caller can still read the 401 it gets back.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.ValueEquals(TokenInvalidCode);
        }
        catch (JsonException)
        {
            // A 401 that is not a problem document is the API's own business (its user's session, say), not the token's.
            return false;
        }
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}
