using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.Apple.RiskMetric;
using Attestation.Core.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Attestation.Azure.AppleAppAttestServer;

/// <summary>
/// Apple's App Attest server, as "Assessing fraud risk" describes it
/// (https://developer.apple.com/documentation/devicecheck/assessing-fraud-risk): <c>POST /v1/attestationData</c> on the
/// server of the key's environment, the receipt base64 as the body, and an <c>Authorization</c> header holding a JWT signed
/// ES256 with the team's key (header <c>kid</c>; claims <c>iss</c> = team id, <c>iat</c>). Every answer is classified, none
/// throws; bodies are never logged (a receipt identifies a device).
/// </summary>
public sealed partial class AppleAppAttestServerClient : IAppleAppAttestServer, IDisposable
{
    private const string DependencyName = "Apple App Attest server";

    // Apple refuses a JWT issued more than an hour ago; one is reused for well under that.
    private static readonly TimeSpan TokenReuse = TimeSpan.FromMinutes(20);

    private readonly HttpClient _http;
    private readonly AppleRiskMetricOptions _options;
    private readonly ISecretStore _secrets;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AppleAppAttestServerClient> _logger;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private (byte[] SecretHash, ECDsa Key)? _key;
    private (string Jwt, DateTimeOffset IssuedAt, byte[] SecretHash)? _token;

    public AppleAppAttestServerClient(HttpClient http, IOptions<AppleRiskMetricOptions> options, ISecretStore secrets, TimeProvider timeProvider, ILogger<AppleAppAttestServerClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options.Value;
        _secrets = secrets;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<AppleReceiptExchangeAnswer> ExchangeAsync(AppAttestEnvironment environment, byte[] receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var jwt = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        var server = environment == AppAttestEnvironment.Development ? _options.DevelopmentEndpoint : _options.ProductionEndpoint;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "v1/attestationData"))
        {
            Content = new StringContent(Convert.ToBase64String(receipt), Encoding.ASCII, "text/plain"),
        };

        // Apple's header is the bare JWT, with no scheme in front.
        request.Headers.TryAddWithoutValidation("Authorization", jwt);

        // The timeout runs on the injected clock, so tests can make Apple slow without waiting.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            return await ClassifyAsync(response, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogNoAnswer(e.GetType().Name);
            return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unavailable);
        }
    }

    private async Task<AppleReceiptExchangeAnswer> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                // The body is the new receipt, base64; anything else is unusable, and is not logged.
                var text = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
                var bytes = new byte[text.Length];
                return text.Length > 0 && Convert.TryFromBase64String(text, bytes, out var written)
                    ? new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NewReceipt, bytes[..written], HttpStatus: status)
                    : new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unreadable, HttpStatus: status);
            case HttpStatusCode.NotModified:
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotModified, HttpStatus: status);
            case HttpStatusCode.NotFound:
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.NotFound, HttpStatus: status);
            case HttpStatusCode.TooManyRequests:
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Throttled, RetryAfter: RetryAfterOf(response), HttpStatus: status);
            case HttpStatusCode.BadRequest:
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Refused, HttpStatus: status);
            case HttpStatusCode.Unauthorized:
                // Our key, kid or team id: every call fails alike until an operator fixes the settings.
                LogUnauthorized(_options.KeyId ?? "", _options.TeamId ?? "");
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unavailable, HttpStatus: status);
            default:
                return new AppleReceiptExchangeAnswer(AppleReceiptExchangeStatus.Unavailable, RetryAfter: RetryAfterOf(response), HttpStatus: status);
        }
    }

    /// <summary>RFC 9110 §10.2.3: seconds or an HTTP date; null when absent or already past.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } when delta > TimeSpan.Zero => delta,
        { Date: { } date } when date > _timeProvider.GetUtcNow() => date - _timeProvider.GetUtcNow(),
        _ => null,
    };

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // Read on every call: the secret store caches, and a rotated key is picked up at its next refresh.
        var secret = await _secrets.GetSecretAsync(AppleRiskMetricOptions.KeySecretName, cancellationToken).ConfigureAwait(false);
        var secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_token is { } cached && now - cached.IssuedAt < TokenReuse && now >= cached.IssuedAt
                && CryptographicOperations.FixedTimeEquals(cached.SecretHash, secretHash))
            {
                return cached.Jwt;
            }

            var key = KeyOf(secret, secretHash);
            var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
            var jwt = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = _options.TeamId,
                IssuedAt = now.UtcDateTime,
                SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = _options.KeyId }, SecurityAlgorithms.EcdsaSha256),
            });
            _token = (jwt, now, secretHash);
            return jwt;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private ECDsa KeyOf(string secret, byte[] secretHash)
    {
        if (_key is { } cached && CryptographicOperations.FixedTimeEquals(cached.SecretHash, secretHash))
        {
            return cached.Key;
        }

        var key = ECDsa.Create();
        try
        {
            // Apple's .p8 is a PKCS#8 PEM ("BEGIN PRIVATE KEY") of a P-256 key.
            key.ImportFromPem(secret);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("Not a P-256 key.");
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            LogBadKey(AppleRiskMetricOptions.KeySecretName, e.GetType().Name);
            throw new DependencyUnavailableException(DependencyName, e);
        }

        _key?.Key.Dispose();
        _key = (secretHash, key);
        return key;
    }

    public void Dispose()
    {
        _key?.Key.Dispose();
        _tokenLock.Dispose();
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Apple's App Attest server gave no answer ({ExceptionType})")]
    private partial void LogNoAnswer(string exceptionType);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "Apple's App Attest server refused the team's JWT (401): check key id {KeyId}, team id {TeamId} and the key's secret")]
    private partial void LogUnauthorized(string keyId, string teamId);

    [LoggerMessage(EventId = 52, Level = LogLevel.Error, Message = "The secret {SecretName} is not a usable P-256 private key (PKCS#8 PEM) ({ExceptionType})")]
    private partial void LogBadKey(string secretName, string exceptionType);
}
