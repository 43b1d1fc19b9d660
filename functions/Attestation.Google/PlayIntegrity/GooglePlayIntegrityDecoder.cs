using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.PlayIntegrity;
using Attestation.Core.Text;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Attestation.Google.PlayIntegrity;

/// <summary>
/// Google's <c>decodeIntegrityToken</c> REST method
/// (https://developer.android.com/google/play/integrity/reference/rest/v1/v1/decodeIntegrityToken), called with an OAuth
/// access token of the app's service account (scope <c>https://www.googleapis.com/auth/playintegrity</c>).
/// docs/quirks.md: the default quota is 10,000 calls per app per day, so each attestation makes at most one call, with no
/// retry, and only when <see cref="GoogleCallGuard"/> allows it (the app's call budget, the circuit breaker).
/// </summary>
public sealed partial class GooglePlayIntegrityDecoder : IPlayIntegrityDecoder
{
    private const string DependencyName = GoogleCallGuard.DependencyName;
    private const string Scope = "https://www.googleapis.com/auth/playintegrity";

    private readonly HttpClient _http;
    private readonly PlayIntegrityOptions _options;
    private readonly GoogleCallGuard _guard;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GooglePlayIntegrityDecoder> _logger;

    // One credential per service account key, so its access token is cached and refreshed by Google.Apis.Auth.
    private readonly ConcurrentDictionary<string, GoogleCredential> _credentials = new(StringComparer.Ordinal);

    public GooglePlayIntegrityDecoder(HttpClient http, IOptions<PlayIntegrityOptions> options, GoogleCallGuard guard, TimeProvider timeProvider, ILogger<GooglePlayIntegrityDecoder> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options.Value;
        _guard = guard;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageName);
        ArgumentException.ThrowIfNullOrEmpty(integrityToken);
        ArgumentException.ThrowIfNullOrEmpty(serviceAccountJson);

        // Asked first: while the breaker is open or the budget spent, neither Google endpoint is called.
        using var permit = _guard.Admit(packageName);
        string accessToken;
        try
        {
            accessToken = await GetAccessTokenAsync(serviceAccountJson, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            permit.NotSent();
            throw;
        }

        var uri = new Uri(_options.DecodeEndpoint, $"v1/{Uri.EscapeDataString(packageName)}:decodeIntegrityToken");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["integrity_token"] = integrityToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // The timeout runs on the injected clock, so tests can make Google slow without waiting.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var openFor = permit.Complete(GoogleCallOutcome.Error, opensBreaker: true);
            throw Unavailable(openFor, e);
        }

        using (response)
        {
            // 400 INVALID_ARGUMENT: Google cannot decode the token (garbage, or a token of another app). Any other failure
            // (401/403 for our service account, 429 quota, 5xx) is ours or Google's, not the caller's: 503. Only 429 and 5xx
            // say that more calls now would fail too, so only they open the breaker.
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                permit.Complete(GoogleCallOutcome.Refused);
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "Google could not decode the integrity token.");
            }

            if (!response.IsSuccessStatusCode)
            {
                var throttled = response.StatusCode == HttpStatusCode.TooManyRequests;
                var openFor = permit.Complete(throttled ? GoogleCallOutcome.Throttled : GoogleCallOutcome.Error, opensBreaker: throttled || status >= 500, RetryAfterOf(response));
                LogDecodeRefused(status);
                throw Unavailable(openFor, new HttpRequestException($"decodeIntegrityToken answered {status}.", null, response.StatusCode));
            }

            permit.Complete(GoogleCallOutcome.Ok);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return ReadVerdict(body);
        }
    }

    /// <summary>The 503 of a failed call; when it opened the breaker, the client waits as long as the breaker stays open.</summary>
    private static DependencyUnavailableException Unavailable(TimeSpan? openFor, Exception inner) =>
        openFor is { } wait ? new DependencyUnavailableException(DependencyName, wait, inner) : new DependencyUnavailableException(DependencyName, inner);

    /// <summary>RFC 9110 §10.2.3: seconds or an HTTP date; null when absent or already past.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } when delta > TimeSpan.Zero => delta,
        { Date: { } date } when date > _timeProvider.GetUtcNow() => date - _timeProvider.GetUtcNow(),
        _ => null,
    };

    private static IntegrityVerdict ReadVerdict(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("tokenPayloadExternal", out var payload))
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "Google's answer holds no verdict.");
            }

            return IntegrityVerdict.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new DependencyUnavailableException(DependencyName, e);
        }
    }

    private async Task<string> GetAccessTokenAsync(string serviceAccountJson, CancellationToken cancellationToken)
    {
        // Keyed by a hash: the key's text need not sit in memory twice.
        var credential = _credentials.GetOrAdd(Base64Flexible.Sha256Base64Url(serviceAccountJson), _ => CreateCredential(serviceAccountJson));
        try
        {
            return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TokenResponseException or HttpRequestException or InvalidOperationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(DependencyName, e);
        }
    }

    private GoogleCredential CreateCredential(string serviceAccountJson)
    {
        try
        {
            return CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccountJson).ToGoogleCredential().CreateScoped(Scope);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException or FormatException
            or System.Security.Cryptography.CryptographicException or Newtonsoft.Json.JsonException)
        {
            LogBadServiceAccount(e.GetType().Name);
            throw new DependencyUnavailableException(DependencyName, e);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "decodeIntegrityToken answered {Status}; check the service account's access and the quota")]
    private partial void LogDecodeRefused(int status);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "The Play Integrity service account secret is not a usable service account key ({ExceptionType})")]
    private partial void LogBadServiceAccount(string exceptionType);
}
