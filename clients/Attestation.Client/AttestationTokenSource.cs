using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Attestation.Client;

/// <summary>
/// Hands out attestation tokens: the first call attests (challenge, then attest), later calls get the cached token, and a
/// call in the last <see cref="AttestationTokenSourceOptions.RefreshAheadShare"/> of its lifetime refreshes it first.
/// Safe to share between threads: one acquisition runs at a time and callers that arrive meanwhile take its token, so
/// concurrent callers cause one refresh and an App Attest assertion counter never races another.
/// </summary>
/// <remarks>
/// Recovery follows the problem's <c>action</c> (docs/api.md, "What the app does next"), each step bounded:
/// <c>new_challenge</c> retries once; <c>attest</c> attests (again, at most once); <c>new_key</c> resets the provider's key
/// once, then attests; <c>retry_later</c> waits for <c>Retry-After</c> plus jitter (or a doubling backoff without one), at
/// most <see cref="AttestationTokenSourceOptions.MaxRetryLaterAttempts"/> times; <c>fix_request</c>, <c>stop</c> and an
/// unreadable answer reach the caller at once as an <see cref="AttestationException"/>.
/// </remarks>
public sealed class AttestationTokenSource : IDisposable
{
    // Jitter spreads the retries of many devices that one outage refused at the same instant.
    private const double JitterShare = 0.2;

    private readonly AttestationServiceClient _service;
    private readonly IAttestationProvider _provider;
    private readonly AttestationTokenSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _cached;
    private string? _deviceId;

    /// <param name="service">The backend's protocol client.</param>
    /// <param name="provider">The platform's provider: it holds the key and produces evidence and proofs.</param>
    /// <param name="options">Refresh-ahead share, retry bounds, a device id kept from a previous run.</param>
    /// <param name="logger">Logs outcomes and waits; never a token, a key or evidence.</param>
    /// <param name="timeProvider">The clock for expiry, refresh-ahead and waits; the system clock by default.</param>
    /// <param name="random">The jitter's source; <see cref="Random.Shared"/> by default. Only one acquisition uses it at a time.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public AttestationTokenSource(
        AttestationServiceClient service,
        IAttestationProvider provider,
        AttestationTokenSourceOptions? options = null,
        ILogger<AttestationTokenSource>? logger = null,
        TimeProvider? timeProvider = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(provider);
        _options = options ?? new AttestationTokenSourceOptions();
        _options.Validate();
        _service = service;
        _provider = provider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _deviceId = string.IsNullOrEmpty(_options.DeviceId) ? null : _options.DeviceId;
    }

    /// <summary>The device id the backend registered, or null before the first attestation.</summary>
    public string? DeviceId => Volatile.Read(ref _deviceId);

    /// <summary>
    /// A token valid for at least the refresh-ahead share of its lifetime, bound to <paramref name="bindTo"/> when given
    /// (only its hash is sent, <see cref="ChallengeBytes.Binding"/>). A call with another binding than the cached token's
    /// gets a new token.
    /// </summary>
    /// <exception cref="AttestationException">The backend refused and the refusal's action allows no further recovery, or its answer was unreadable.</exception>
    /// <exception cref="HttpRequestException">The backend could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AttestationToken> GetTokenAsync(string? bindTo = null, CancellationToken cancellationToken = default)
    {
        var binding = bindTo is null ? null : ChallengeBytes.Binding(bindTo);
        if (Fresh(binding) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The caller that held the gate may have just fetched what this one needs.
            if (Fresh(binding) is { } fetched)
            {
                return fetched;
            }

            var token = await AcquireAsync(binding, cancellationToken).ConfigureAwait(false);
            var receivedAt = _time.GetUtcNow();
            var lifetime = token.ExpiresAt - receivedAt;

            // A device clock far ahead of the backend's makes the lifetime look spent; such a token is used once, not cached.
            var refreshAt = lifetime > TimeSpan.Zero ? receivedAt + (lifetime * (1 - _options.RefreshAheadShare)) : receivedAt;
            Volatile.Write(ref _cached, new CachedToken(token, binding, refreshAt));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Forgets <paramref name="token"/> if it is still the cached one, so that the next call gets a new token (an API
    /// refused it). A token already replaced is left alone, so that many refused requests cause one refresh.
    /// </summary>
    public void Invalidate(AttestationToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var current = Volatile.Read(ref _cached);
        if (current is not null && ReferenceEquals(current.Token, token))
        {
            Interlocked.CompareExchange(ref _cached, null, current);
        }
    }

    public void Dispose() => _gate.Dispose();

    private AttestationToken? Fresh(string? binding)
    {
        var cached = Volatile.Read(ref _cached);
        return cached is not null && cached.Binding == binding && _time.GetUtcNow() < cached.RefreshAt ? cached.Token : null;
    }

    private async Task<AttestationToken> AcquireAsync(string? binding, CancellationToken cancellationToken)
    {
        var refresh = DeviceId is not null;
        var newChallengeUsed = false;
        var attestAgainUsed = false;
        var newKeyUsed = false;
        var waits = 0;
        while (true)
        {
            try
            {
                var token = refresh
                    ? await RefreshAsync(binding, cancellationToken).ConfigureAwait(false)
                    : await AttestAsync(binding, cancellationToken).ConfigureAwait(false);
                if (token.DeviceId != DeviceId)
                {
                    Volatile.Write(ref _deviceId, token.DeviceId);
                    _options.DeviceIdChanged?.Invoke(token.DeviceId);
                }

                Log.GotToken(_logger, token.DeviceId, token.ExpiresAt);
                return token;
            }
            catch (AttestationException refused)
            {
                Log.Refused(_logger, (int)refused.StatusCode, refused.Code, refused.Action);
                switch (refused.Action)
                {
                    case AttestationAction.NewChallenge when !newChallengeUsed:
                        newChallengeUsed = true;
                        break;
                    case AttestationAction.Attest when refresh:
                        // A refresh cannot help this device (unknown, too old, a proof that does not verify): attest instead.
                        refresh = false;
                        break;
                    case AttestationAction.Attest when !attestAgainUsed:
                        attestAgainUsed = true;
                        break;
                    case AttestationAction.NewKey when !newKeyUsed:
                        newKeyUsed = true;
                        Log.NewKey(_logger);
                        await _provider.ResetKeyAsync(cancellationToken).ConfigureAwait(false);
                        refresh = false;
                        break;
                    case AttestationAction.RetryLater when waits < _options.MaxRetryLaterAttempts
                        && (refused.RetryAfter is null || refused.RetryAfter <= _options.MaxRetryDelay):
                        waits++;
                        var delay = RetryDelay(refused.RetryAfter, waits);
                        Log.Waiting(_logger, delay, waits);
                        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        // fix_request, stop, an unreadable answer, or a recovery already spent: never loop.
                        throw;
                }
            }
        }
    }

    private async Task<AttestationToken> AttestAsync(string? binding, CancellationToken cancellationToken, string? challenge = null)
    {
        challenge ??= await _service.GetChallengeAsync(cancellationToken).ConfigureAwait(false);
        Log.Attesting(_logger, _provider.Platform);
        var evidence = await _provider.AttestAsync(challenge, cancellationToken).ConfigureAwait(false);
        return await _service.AttestAsync(challenge, evidence, binding, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AttestationToken> RefreshAsync(string? binding, CancellationToken cancellationToken)
    {
        var deviceId = DeviceId!;
        var challenge = await _service.GetChallengeAsync(cancellationToken).ConfigureAwait(false);
        var proof = await _provider.ProveAsync(deviceId, challenge, cancellationToken).ConfigureAwait(false);
        if (proof is null)
        {
            // The challenge was never presented, so it is still unused: the attestation can take it.
            Log.CannotRefresh(_logger, deviceId);
            return await AttestAsync(binding, cancellationToken, challenge).ConfigureAwait(false);
        }

        Log.Refreshing(_logger, deviceId);
        return await _service.RefreshAsync(deviceId, challenge, proof, binding, cancellationToken).ConfigureAwait(false);
    }

    private TimeSpan RetryDelay(TimeSpan? retryAfter, int attempt)
    {
        var basis = retryAfter ?? _options.InitialBackoff * Math.Pow(2, attempt - 1);
        var jittered = basis * (1 + (JitterShare * _random.NextDouble()));
        return jittered < _options.MaxRetryDelay ? jittered : _options.MaxRetryDelay;
    }

    private sealed record CachedToken(AttestationToken Token, string? Binding, DateTimeOffset RefreshAt);
}
