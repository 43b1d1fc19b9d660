using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Secrets;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The <c>play-integrity</c> platform: Google's verdict on the app and the device, bound to the challenge through
/// <c>nonce</c> (classic tokens, decrypted here with the app's Play Console keys from the secret store) or
/// <c>requestHash</c> (standard tokens, decoded by Google). Play Integrity has no device key, so the device id is a fresh
/// random value and there is no refresh (API.md).
/// </summary>
public sealed partial class PlayIntegrityVerifier : IAttestationVerifier<PlayIntegrityPolicy, PlayIntegrityEvidence>
{
    /// <summary>Every <c>appRecognitionVerdict</c> value Google documents.</summary>
    public static readonly IReadOnlySet<string> KnownAppRecognitionVerdicts =
        new HashSet<string>(["PLAY_RECOGNIZED", "UNRECOGNIZED_VERSION", "UNEVALUATED"], StringComparer.Ordinal);

    private const int MinTokenLength = 16;

    private readonly ISecretStore _secrets;
    private readonly IPlayIntegrityDecoder _decoder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PlayIntegrityVerifier> _logger;

    // Parsed keys per pair of secret names, rebuilt when a secret's text changes (a rotation in the vault).
    private readonly ConcurrentDictionary<(string Decryption, string Verification), CachedKeys> _keys = new();

    public PlayIntegrityVerifier(ISecretStore secrets, IPlayIntegrityDecoder decoder, TimeProvider timeProvider, ILogger<PlayIntegrityVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _secrets = secrets;
        _decoder = decoder;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public PlayIntegrityEvidence ReadEvidence(JsonElement evidence) =>
        new(EvidenceJson.RequireString(evidence, "evidence", "integrityToken", ClassicIntegrityToken.MaxLength));

    public async Task<AttestationVerdict> VerifyAsync(PlayIntegrityPolicy policy, string challenge, PlayIntegrityEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(evidence);
        var section = policy;
        var token = evidence.IntegrityToken;

        // Tokens are base64url parts joined by dots. Anything else is refused here, before a secret is read or Google is
        // asked: the decode quota must not be spent on input that cannot be a token.
        if (token.Length < MinTokenLength || !ClassicIntegrityToken.TrySplitBase64UrlParts(token, out _))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The integrity token is malformed.");
        }

        // The policy's mode decides the kind; with "both", a compact JWE (five parts) is a classic token.
        var kind = section.Mode switch
        {
            "classic" => IntegrityRequestKind.Classic,
            "standard" => IntegrityRequestKind.Standard,
            _ => ClassicIntegrityToken.LooksLikeJwe(token) ? IntegrityRequestKind.Classic : IntegrityRequestKind.Standard,
        };

        IntegrityVerdict verdict;
        if (kind == IntegrityRequestKind.Classic)
        {
            var keys = await GetKeysAsync(section, cancellationToken).ConfigureAwait(false);
            verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, keys).ConfigureAwait(false);
        }
        else
        {
            var serviceAccount = await _secrets.GetSecretAsync(section.ServiceAccountSecretName!, cancellationToken).ConfigureAwait(false);
            verdict = await _decoder.DecodeAsync(section.PackageName!, token, serviceAccount, cancellationToken).ConfigureAwait(false);
        }

        IntegrityVerdictRequirements.FromPolicy(section, kind, challenge).Check(verdict, _timeProvider.GetUtcNow());

        // API.md: Play Integrity has no device key, so each attestation is a new device with a fresh random id.
        var deviceId = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32));
        var summary = $"play-integrity {(kind == IntegrityRequestKind.Classic ? "classic" : "standard")}: {verdict.Summarize()}";
        return new AttestationVerdict(deviceId, PublicKey: null, Counter: 0, summary, AllowsReattestation: false);
    }

    private async Task<PlayIntegrityKeys> GetKeysAsync(PlayIntegrityPolicy section, CancellationToken cancellationToken)
    {
        var names = (section.DecryptionKeySecretName!, section.VerificationKeySecretName!);
        var decryption = await _secrets.GetSecretAsync(names.Item1, cancellationToken).ConfigureAwait(false);
        var verification = await _secrets.GetSecretAsync(names.Item2, cancellationToken).ConfigureAwait(false);
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
            // The deployment's fault, not the caller's: 503, and the log names the secrets (never their values).
            LogUnusableKeys(names.Item1, names.Item2, e.Message);
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
