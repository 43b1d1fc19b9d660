using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Microsoft.Extensions.Options;

namespace Attestation.AspNetCore.Verify;

/// <summary>
/// The backend's verify for APIs that cannot or should not check tokens themselves: single use (<c>consume</c>) and
/// revocation at once. It authenticates with a verify key or an Entra ID token (a managed identity), and retries a 503
/// after its <c>Retry-After</c>, a bounded number of times for a bounded wait. Register it with
/// <see cref="AttestationTokenExtensions.AddAttestationVerifyClient"/>.
/// </summary>
public sealed class AttestationVerifyClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // docs/api.md's codes, the only ones repeated from a response (never the remote text itself).
    private static readonly HashSet<string> KnownCodes = new(StringComparer.Ordinal) { "invalid_request", "unavailable", "not_found", "unauthorized", "forbidden" };

    private readonly HttpClient _httpClient;
    private readonly AttestationVerifyClientOptions _options;
    private readonly TimeProvider _timeProvider;

    public AttestationVerifyClient(HttpClient httpClient, IOptions<AttestationVerifyClientOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _httpClient = httpClient;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    /// <summary>Asks verify about <paramref name="request"/>'s token.</summary>
    /// <exception cref="AttestationVerifyException">verify answered an error, an unreadable body, or 503 after the retries.</exception>
    /// <exception cref="HttpRequestException">verify could not be reached.</exception>
    /// <exception cref="Azure.Identity.AuthenticationFailedException">The credential could not get a token.</exception>
    public async Task<AttestationVerifyResult> VerifyAsync(AttestationVerifyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new VerifyBody(request.Token, request.Binding, request.Consume, request.AppId, request.Platforms);
        for (var attempt = 0; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, _options.VerifyUri) { Content = JsonContent.Create(body, options: Json) };
            await AuthenticateAsync(message, cancellationToken).ConfigureAwait(false);
            using var response = await _httpClient.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await ReadResultAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var code = await ReadCodeAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                throw new AttestationVerifyException($"verify answered {(int)response.StatusCode} {code ?? "without a known code"}.", response.StatusCode, code, null);
            }

            // A consume that met an outage consumed nothing (docs/api.md: nothing is half written), so trying again is safe.
            var retryAfter = RetryAfter(response);
            var delay = retryAfter ?? _options.DefaultRetryDelay;
            if (attempt >= _options.MaxRetries || delay > _options.MaxRetryDelay)
            {
                throw new AttestationVerifyException($"verify is unavailable (503) after {attempt + 1} tries.", response.StatusCode, code, retryAfter);
            }

            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AuthenticateAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.FunctionKey))
        {
            message.Headers.Add("x-functions-key", _options.FunctionKey);
        }

        if (_options.Credential is { } credential)
        {
            // The credential caches and renews its token (a managed identity's included), so asking per call is cheap.
            var token = await credential.GetTokenAsync(new TokenRequestContext([_options.Scope!]), cancellationToken).ConfigureAwait(false);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async Task<AttestationVerifyResult> ReadResultAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ResultBody? result;
        try
        {
            result = await response.Content.ReadFromJsonAsync<ResultBody>(Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new AttestationVerifyException("verify answered 200 with a body that is not its result.", exception);
        }

        if (result?.Valid is not { } valid || (!valid && string.IsNullOrEmpty(result.Reason)))
        {
            throw new AttestationVerifyException("verify answered 200 with a body that is not its result.");
        }

        return new AttestationVerifyResult(valid, valid ? null : result.Reason, result.AppId, result.DeviceId, result.Platform, result.IssuedAt, result.ExpiresAt);
    }

    private static async Task<string?> ReadCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken).ConfigureAwait(false);
            return problem?.Code is { } code && KnownCodes.Contains(code) ? code : null;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record VerifyBody(string Token, string? Binding, bool Consume, string? AppId, IReadOnlyList<string>? Platforms);

    private sealed record ResultBody(bool? Valid, string? Reason, string? AppId, string? DeviceId, string? Platform, DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt);

    private sealed record ProblemBody(string? Code);
}
