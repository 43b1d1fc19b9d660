using System.Collections.Concurrent;
using Attestation.Core.Errors;
using Attestation.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The apps' Play Console keys for classic tokens. The two secrets are read from the secret store on every use, so a
/// rotation in the vault takes effect as soon as the store sees it; the keys are parsed again only when a secret's text
/// has changed, since building them costs more than the store's cached read.
/// </summary>
public sealed partial class PlayIntegrityKeyCache
{
    private readonly ISecretStore _secrets;
    private readonly ILogger _logger;

    // Parsed keys per pair of secret names, with the texts they were parsed from.
    private readonly ConcurrentDictionary<(string Decryption, string Verification), CachedKeys> _keys = new();

    /// <param name="secrets">Where the keys' texts are read.</param>
    /// <param name="logger">Where unusable keys are reported (the verifier's logger).</param>
    public PlayIntegrityKeyCache(ISecretStore secrets, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(logger);
        _secrets = secrets;
        _logger = logger;
    }

    /// <summary>The keys held by the secrets <paramref name="decryptionSecretName"/> and <paramref name="verificationSecretName"/>.</summary>
    /// <exception cref="DependencyUnavailableException">
    /// A secret cannot be read, or does not hold a usable key: the deployment's fault, not the caller's.
    /// </exception>
    public async Task<PlayIntegrityKeys> GetAsync(string decryptionSecretName, string verificationSecretName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(decryptionSecretName);
        ArgumentException.ThrowIfNullOrEmpty(verificationSecretName);
        var names = (decryptionSecretName, verificationSecretName);
        var decryption = await _secrets.GetSecretAsync(decryptionSecretName, cancellationToken).ConfigureAwait(false);
        var verification = await _secrets.GetSecretAsync(verificationSecretName, cancellationToken).ConfigureAwait(false);
        if (_keys.TryGetValue(names, out var cached) && cached.Decryption == decryption && cached.Verification == verification)
        {
            return cached.Keys;
        }

        PlayIntegrityKeys keys;
        try
        {
            keys = PlayIntegrityKeys.FromBase64(decryption, verification);
        }
        catch (ArgumentException e)
        {
            // 503, and the log names the secrets (never their values).
            LogUnusableKeys(decryptionSecretName, verificationSecretName, e.Message);
            throw new DependencyUnavailableException("Play Integrity keys", e);
        }

        // A replaced key pair is left to the garbage collector: a request in flight may still be using it.
        _keys[names] = new CachedKeys(decryption, verification, keys);
        return keys;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "The Play Integrity key secrets {DecryptionSecret} and {VerificationSecret} do not hold usable keys: {Reason}")]
    private partial void LogUnusableKeys(string decryptionSecret, string verificationSecret, string reason);

    private sealed record CachedKeys(string Decryption, string Verification, PlayIntegrityKeys Keys);
}
