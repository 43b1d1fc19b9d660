using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attestation.Client;

/// <summary>
/// The three calls an app makes (docs/api.md: challenge, attest, token/refresh), one request each, no retry. Every refusal
/// becomes an <see cref="AttestationException"/> with the problem's status, code and action; <see cref="AttestationTokenSource"/>
/// decides what to do about it.
/// </summary>
public sealed class AttestationServiceClient
{
    // Problems are at most a few KiB (docs/api.md caps detail at 1,024 characters); anything far larger is not the backend.
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _backend;
    private readonly TimeProvider _time;

    /// <param name="httpClient">The client to send with; its lifetime stays the caller's.</param>
    /// <param name="backendAddress">The backend's root, for example <c>https://attest.contoso.com/</c>; routes go under its <c>api/</c>.</param>
    /// <param name="appId">The app's id as registered with the backend.</param>
    /// <param name="timeProvider">Reads <c>Retry-After</c> dates; the system clock by default.</param>
    /// <exception cref="ArgumentException"><paramref name="backendAddress"/> is not absolute, or <paramref name="appId"/> is empty.</exception>
    public AttestationServiceClient(HttpClient httpClient, Uri backendAddress, string appId, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(backendAddress);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        if (!backendAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The backend address must be absolute.", nameof(backendAddress));
        }

        _http = httpClient;

        // Without a trailing slash, a relative route would replace the address's last segment instead of going under it.
        _backend = backendAddress.AbsoluteUri.EndsWith('/') ? backendAddress : new Uri(backendAddress.AbsoluteUri + "/");
        AppId = appId;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string AppId { get; }

    /// <summary>POST /api/v1/challenge: a new single-use challenge for the app.</summary>
    /// <exception cref="AttestationException">The backend refused or answered something unreadable.</exception>
    /// <exception cref="HttpRequestException">The backend could not be reached.</exception>
    public async Task<string> GetChallengeAsync(CancellationToken cancellationToken = default)
    {
        var answer = await PostAsync("api/v1/challenge", new JsonObject { ["appId"] = AppId }, cancellationToken).ConfigureAwait(false);
        return answer.TryGetProperty("challenge", out var challenge) && challenge.ValueKind == JsonValueKind.String && challenge.GetString() is { Length: > 0 } value
            ? value
            : throw Unreadable(HttpStatusCode.OK, "a challenge");
    }

    /// <summary>POST /api/v1/attest with <paramref name="evidence"/> over <paramref name="challenge"/>.</summary>
    /// <param name="challenge">A challenge from <see cref="GetChallengeAsync"/>, not yet presented.</param>
    /// <param name="evidence">The provider's evidence over that challenge.</param>
    /// <param name="binding">The base64url SHA-256 of the value to bind the token to (<see cref="ChallengeBytes.Binding"/>), or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AttestationException">The backend refused or answered something unreadable.</exception>
    /// <exception cref="HttpRequestException">The backend could not be reached.</exception>
    public async Task<AttestationToken> AttestAsync(string challenge, AttestationEvidence evidence, string? binding = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(challenge);
        ArgumentNullException.ThrowIfNull(evidence);
        var body = new JsonObject
        {
            ["appId"] = AppId,
            ["platform"] = evidence.Platform,
            ["challenge"] = challenge,
            ["evidence"] = evidence.ToJson(),
        };
        if (binding is not null)
        {
            body["binding"] = binding;
        }

        return ReadToken(await PostAsync("api/v1/attest", body, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>POST /api/v1/token/refresh for the device <paramref name="deviceId"/> with <paramref name="proof"/> over <paramref name="challenge"/>.</summary>
    /// <exception cref="AttestationException">The backend refused or answered something unreadable.</exception>
    /// <exception cref="HttpRequestException">The backend could not be reached.</exception>
    public async Task<AttestationToken> RefreshAsync(string deviceId, string challenge, RefreshProof proof, string? binding = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        var body = new JsonObject
        {
            ["appId"] = AppId,
            ["deviceId"] = deviceId,
            ["challenge"] = challenge,
            ["proof"] = proof.ToJson(),
        };
        if (binding is not null)
        {
            body["binding"] = binding;
        }

        return ReadToken(await PostAsync("api/v1/token/refresh", body, cancellationToken).ConfigureAwait(false));
    }

    private async Task<JsonElement> PostAsync(string route, JsonObject body, CancellationToken cancellationToken)
    {
        // JsonNode writes itself without reflection, which keeps the library usable in trimmed and AOT-compiled apps.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_backend, route))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var text = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Problem(response, text);
        }

        try
        {
            using var document = JsonDocument.Parse(text ?? string.Empty);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : throw Unreadable(response.StatusCode, "a JSON object");
        }
        catch (JsonException malformed)
        {
            throw Unreadable(response.StatusCode, "JSON", malformed);
        }
    }

    private static async Task<string?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxAnswerBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxAnswerBytes)
            {
                return null;
            }

            try
            {
                return new UTF8Encoding(false, true).GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }

    private AttestationException Problem(HttpResponseMessage response, string? text)
    {
        string? code = null;
        AttestationAction? action = null;
        try
        {
            using var document = JsonDocument.Parse(text ?? string.Empty);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = ReadString(document.RootElement, "code");
                action = AttestationActionNames.FromWireName(ReadString(document.RootElement, "action"));
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, a truncated body): the status alone is reported.
        }

        var retryAfter = ReadRetryAfter(response.Headers.RetryAfter);

        // The code is the backend's stable vocabulary, but an answer from anywhere else could put anything there, so the
        // message quotes it only when it looks like one of those codes.
        var shownCode = code is not null && IsCodeShaped(code) ? code : null;
        var message = shownCode is null
            ? $"The attestation backend answered {(int)response.StatusCode} without a problem this client can read."
            : $"The attestation backend answered {(int)response.StatusCode} {shownCode}.";
        return new AttestationException(message, response.StatusCode, shownCode, shownCode is null ? null : action, retryAfter);
    }

    private TimeSpan? ReadRetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static AttestationToken ReadToken(JsonElement answer)
    {
        var token = ReadString(answer, "token");
        var deviceId = ReadString(answer, "deviceId");
        var expiresAt = ReadString(answer, "expiresAt");
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(deviceId)
            || !DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
        {
            throw Unreadable(HttpStatusCode.OK, "a token, its expiry and a device id");
        }

        return new AttestationToken(token, expires, deviceId);
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsCodeShaped(string code) =>
        code.Length is > 0 and <= 64 && code.All(c => c is (>= 'a' and <= 'z') or '_');

    private static AttestationException Unreadable(HttpStatusCode status, string expected, Exception? inner = null) =>
        new($"The attestation backend answered {(int)status} without {expected} this client can read.", status, null, null, null, inner);
}
