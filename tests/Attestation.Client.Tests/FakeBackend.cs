using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Attestation.Client.Tests;

/// <summary>
/// A scripted backend behind an <see cref="HttpMessageHandler"/>: challenges are numbered, and every attest, refresh or API
/// call takes the next scripted answer for its route (a token when the script is empty). Every request is recorded.
/// </summary>
internal sealed class FakeBackend : HttpMessageHandler
{
    public static readonly Uri Address = new("https://attest.example/");

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> _scripts = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _challenges;
    private int _tokens;

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public string DeviceId { get; set; } = "device-1";

    /// <summary>When set, attest and refresh wait for it before answering (to hold concurrent callers at one point).</summary>
    public Task? Gate { get; set; }

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    public int Count(string route) => _requests.Count(r => r.Route == route);

    public void Script(string route, params Func<HttpResponseMessage>[] answers)
    {
        var queue = _scripts.GetOrAdd(route, _ => new ConcurrentQueue<Func<HttpResponseMessage>>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    public static HttpResponseMessage Problem(HttpStatusCode status, string code, string action, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { type = "about:blank", title = code, status = (int)status, detail = "refused", code, action }),
                Encoding.UTF8,
                "application/problem+json"),
        };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
        }

        return response;
    }

    public static HttpResponseMessage Raw(HttpStatusCode status, string body, string mediaType = "text/html") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    public static string TokenValue(int number) => $"eyJ.token-{number}.sig";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var route = request.RequestUri!.AbsolutePath;
        _requests.Enqueue(new RecordedRequest(request.Method, route, body, request.Headers.TryGetValues("Attestation-Token", out var t) ? t.Single() : null));
        if (route == "/api/v1/challenge")
        {
            return Json(new { challenge = $"challenge-{Interlocked.Increment(ref _challenges)}", expiresAt = Clock.GetUtcNow().AddMinutes(5) });
        }

        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (_scripts.TryGetValue(route, out var queue) && queue.TryDequeue(out var answer))
        {
            return answer();
        }

        return route is "/api/v1/attest" or "/api/v1/token/refresh"
            ? Json(new { token = TokenValue(Interlocked.Increment(ref _tokens)), expiresAt = Clock.GetUtcNow() + TokenLifetime, deviceId = DeviceId })
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
    }

    private static HttpResponseMessage Json(object body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
}

internal sealed record RecordedRequest(HttpMethod Method, string Route, string? Body, string? AttestationToken)
{
    public JsonElement Json => JsonDocument.Parse(Body!).RootElement.Clone();
}

/// <summary>A provider that counts what it was asked, over the debug platform's evidence.</summary>
internal sealed class CountingProvider(bool canRefresh = true) : IAttestationProvider
{
    public const string Secret = "debug-secret-0123456789abcdef";

    public int Attests;
    public int Proofs;
    public int Resets;
    public List<string> Challenges { get; } = [];

    public string Platform => Platforms.Debug;

    public Task<AttestationEvidence> AttestAsync(string challenge, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attests);
        lock (Challenges)
        {
            Challenges.Add(challenge);
        }

        return Task.FromResult(AttestationEvidence.Debug(Secret));
    }

    public Task<RefreshProof?> ProveAsync(string deviceId, string challenge, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Proofs);
        return Task.FromResult(canRefresh ? RefreshProof.Debug(Secret) : null);
    }

    public Task ResetKeyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Resets);
        return Task.CompletedTask;
    }
}

/// <summary>A jitter source that always draws the same value.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
