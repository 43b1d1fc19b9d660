using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attestation.Cli.Admin;

/// <summary>One answer of the admin API: its status, its JSON object (null for 204) and its <c>ETag</c>.</summary>
internal sealed record AdminAnswer(HttpStatusCode Status, JsonObject? Body, string? ETag);

/// <summary>
/// The admin routes of README "Admin API", relative to the API's base (<c>.../api/</c> of the Functions app, or the
/// operators API of API Management), with a bearer token on every request.
/// </summary>
internal sealed class AdminApiClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminApiClient(Uri apiBase, string token)
    {
        // A redirect would carry the bearer token to wherever the answer points (or lose it and fail obscurely): the base
        // URL is the operator's to give, so a redirect is reported like any other answer, not followed.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = apiBase, Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
    }

    public Uri ApiBase => _http.BaseAddress!;

    /// <summary>Sends one request to <paramref name="relative"/> (already escaped).</summary>
    /// <exception cref="AdminApiException">The backend answered with an error status.</exception>
    /// <exception cref="AdminCommandException">No answer, or a success that is not a JSON object.</exception>
    public async Task<AdminAnswer> SendAsync(HttpMethod method, string relative, string? body = null, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, relative);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AdminCommandException($"no answer from {ApiBase} ({Describe(e)}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminCommandException($"no answer from {ApiBase} within {_http.Timeout.TotalSeconds:0} seconds.");
        }

        using (response)
        {
            var json = ParseObject(text);
            if (!response.IsSuccessStatusCode)
            {
                throw new AdminApiException(response.StatusCode, json);
            }

            if (json is null && response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new AdminCommandException($"HTTP {(int)response.StatusCode} from {ApiBase} is not the admin API's JSON (is --url the API's base?).");
            }

            return new AdminAnswer(response.StatusCode, json, response.Headers.ETag?.ToString());
        }
    }

    public void Dispose() => _http.Dispose();

    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The error kind, not the exception's message: it can quote what a proxy answered.
    private static string Describe(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "the host name does not resolve",
        HttpRequestError.ConnectionError => "cannot connect",
        HttpRequestError.SecureConnectionError => "TLS failed",
        HttpRequestError.Unknown => e.InnerException?.GetType().Name ?? "unknown error",
        var other => other.ToString(),
    };
}
