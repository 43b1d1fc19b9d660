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
/// docs/quirks.md: the default quota is 10,000 calls per app per day, so each attestation makes exactly one call, with no retry.
/// </summary>
public sealed partial class GooglePlayIntegrityDecoder : IPlayIntegrityDecoder
{
    private const string DependencyName = "Google Play Integrity";
    private const string Scope = "https://www.googleapis.com/auth/playintegrity";

    private readonly HttpClient _http;
    private readonly PlayIntegrityOptions _options;
    private readonly ILogger<GooglePlayIntegrityDecoder> _logger;

    // One credential per service account key, so its access token is cached and refreshed by Google.Apis.Auth.
    private readonly ConcurrentDictionary<string, GoogleCredential> _credentials = new(StringComparer.Ordinal);

    public GooglePlayIntegrityDecoder(HttpClient http, IOptions<PlayIntegrityOptions> options, ILogger<GooglePlayIntegrityDecoder> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<IntegrityVerdict> DecodeAsync(string packageName, string integrityToken, string serviceAccountJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageName);
        ArgumentException.ThrowIfNullOrEmpty(integrityToken);
        ArgumentException.ThrowIfNullOrEmpty(serviceAccountJson);

        var accessToken = await GetAccessTokenAsync(serviceAccountJson, cancellationToken).ConfigureAwait(false);
        var uri = new Uri(_options.DecodeEndpoint, $"v1/{Uri.EscapeDataString(packageName)}:decodeIntegrityToken");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["integrity_token"] = integrityToken }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(DependencyName, e);
        }

        using (response)
        {
            // 400 INVALID_ARGUMENT: Google cannot decode the token (garbage, or a token of another app). Any other failure
            // (401/403 for our service account, 429 quota, 5xx) is ours or Google's, not the caller's: 503.
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                throw new AttestationException(AttestationErrorCode.AttestationInvalid, "Google could not decode the integrity token.");
            }

            if (!response.IsSuccessStatusCode)
            {
                LogDecodeRefused((int)response.StatusCode);
                throw new DependencyUnavailableException(DependencyName, new HttpRequestException($"decodeIntegrityToken answered {(int)response.StatusCode}.", null, response.StatusCode));
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return ReadVerdict(body);
        }
    }

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
