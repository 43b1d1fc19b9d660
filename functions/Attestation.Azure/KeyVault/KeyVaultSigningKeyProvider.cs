using Attestation.Core.Errors;
using Attestation.Core.Tokens;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Azure.KeyVault;

/// <summary>
/// Signing keys from a Key Vault secret: the newest version signs and verifies, the version before it only verifies (so a
/// rotation breaks no live token), and no older version is accepted. Versions are cached in memory; once the refresh
/// interval has passed, the next caller starts a background reload and keeps the cached keys meanwhile, so the token hot
/// path never waits on Key Vault after the first load. A failed reload keeps the keys it had and tries again later.
/// </summary>
public sealed partial class KeyVaultSigningKeyProvider : ISigningKeyProvider, IDisposable
{
    private const string DependencyName = "Key Vault";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly SecretClient _client;
    private readonly string _secretName;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeyVaultSigningKeyProvider> _logger;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _backgroundRefreshRunning;

    public KeyVaultSigningKeyProvider(SecretClient client, string secretName, TimeSpan refreshInterval, TimeProvider timeProvider, ILogger<KeyVaultSigningKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(secretName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _secretName = secretName;
        _refreshInterval = refreshInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The running background reload, if any (tests await it).</summary>
    internal Task BackgroundRefresh { get; private set; } = Task.CompletedTask;

    public async ValueTask<SigningKeySet> GetKeysAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return await LoadFirstAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_timeProvider.GetUtcNow() >= snapshot.NextRefreshAt && Interlocked.CompareExchange(ref _backgroundRefreshRunning, 1, 0) == 0)
        {
            BackgroundRefresh = Task.Run(RefreshInBackgroundAsync, CancellationToken.None);
        }

        return snapshot.Keys;
    }

    /// <summary>Reads the current and previous versions from Key Vault now and caches them.</summary>
    /// <exception cref="DependencyUnavailableException">Key Vault cannot be reached, refuses access, or holds no usable secret.</exception>
    public async Task<SigningKeySet> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
            _snapshot = new Snapshot(keys, _timeProvider.GetUtcNow() + _refreshInterval);
            LogLoaded(keys.Current.Version, keys.Previous?.Version ?? "none");
            return keys;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public void Dispose() => _loadGate.Dispose();

    /// <summary>The first load: concurrent first callers wait for one read of the vault rather than each making one.</summary>
    private async Task<SigningKeySet> LoadFirstAsync(CancellationToken cancellationToken)
    {
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_snapshot is { } loaded)
            {
                return loaded.Keys;
            }
        }
        finally
        {
            _loadGate.Release();
        }

        return await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            // Whatever went wrong, the keys already loaded stay valid until the vault answers again.
            LogRefreshFailed(failure.InnerException ?? failure);
            if (_snapshot is { } kept)
            {
                _snapshot = kept with { NextRefreshAt = _timeProvider.GetUtcNow() + RetryAfterFailure };
            }
        }
        finally
        {
            Interlocked.Exchange(ref _backgroundRefreshRunning, 0);
        }
    }

    private async Task<SigningKeySet> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            KeyVaultSecret current = await _client.GetSecretAsync(_secretName, cancellationToken: cancellationToken).ConfigureAwait(false);

            // The previous version is the newest enabled one created before the current one.
            SecretProperties? previousProperties = null;
            await foreach (var properties in _client.GetPropertiesOfSecretVersionsAsync(_secretName, cancellationToken).ConfigureAwait(false))
            {
                if (properties.Enabled != true
                    || string.Equals(properties.Version, current.Properties.Version, StringComparison.Ordinal)
                    || properties.CreatedOn is null
                    || properties.CreatedOn > current.Properties.CreatedOn)
                {
                    continue;
                }

                if (previousProperties is null || properties.CreatedOn > previousProperties.CreatedOn)
                {
                    previousProperties = properties;
                }
            }

            SigningKey? previous = null;
            if (previousProperties is not null)
            {
                KeyVaultSecret previousSecret = await _client.GetSecretAsync(_secretName, previousProperties.Version, cancellationToken).ConfigureAwait(false);
                previous = ToKey(previousSecret);
            }

            return new SigningKeySet(ToKey(current), previous);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException or InvalidDataException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DependencyUnavailableException(DependencyName, exception);
        }
    }

    private static SigningKey ToKey(KeyVaultSecret secret) =>
        SigningKey.FromBase64(secret.Properties.Version, secret.Value)
        ?? throw new InvalidDataException($"Version {secret.Properties.Version} of the signing secret is not base64 of at least {SigningKey.MinimumLength} bytes.");

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded token signing key versions: current {CurrentVersion}, previous {PreviousVersion}")]
    private partial void LogLoaded(string currentVersion, string previousVersion);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Reloading the token signing key from Key Vault failed; the cached versions stay in use")]
    private partial void LogRefreshFailed(Exception exception);

    private sealed record Snapshot(SigningKeySet Keys, DateTimeOffset NextRefreshAt);
}
