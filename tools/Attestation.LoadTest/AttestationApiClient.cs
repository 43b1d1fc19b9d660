using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Attestation.LoadTest;

/// <summary>An answer: its record for the statistics and, for a 2xx JSON answer, the body.</summary>
public sealed record ApiAnswer(RequestRecord Record, JsonElement? Body)
{
    public string? Text(string name) =>
        Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>The HTTP contract as a device (and, for verify, an API) calls it. Never throws for an HTTP or transport failure: it records it.</summary>
public sealed class AttestationApiClient(HttpClient http, string? verifyKey)
{
    public async Task<ApiAnswer> PostAsync(ApiRoute route, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route.Path()) { Content = JsonContent.Create(body) };
        if (route is ApiRoute.Verify or ApiRoute.VerifyConsume && !string.IsNullOrEmpty(verifyKey))
        {
            request.Headers.Add("x-functions-key", verifyKey);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            var status = (int)response.StatusCode;
            var json = TryParse(bytes);
            var code = status is >= 200 and < 300 ? null : ProblemCode(json);
            return new ApiAnswer(new RequestRecord(route, startedAt, latency, status, code, response.Headers.RetryAfter is not null), status is >= 200 and < 300 ? json : null);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var kind = failure is TaskCanceledException ? "timeout" : failure.GetType().Name;
            return new ApiAnswer(new RequestRecord(route, startedAt, Stopwatch.GetElapsedTime(started), 0, TransportError: kind), null);
        }
    }

    private static JsonElement? TryParse(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The problem's <c>code</c> when it is one of the contract's short words; anything else is not echoed.</summary>
    private static string? ProblemCode(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            && code.GetString() is { Length: > 0 and <= 40 } text && text.All(c => char.IsAsciiLetterLower(c) || c == '_')
            ? text
            : null;
}
