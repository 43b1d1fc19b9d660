using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Policies;
using Attestation.Core.Secrets;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Verification.PlayIntegrity;

/// <summary>
/// The <c>play-integrity</c> platform: Google's verdict on the app and the device, bound to the challenge through
/// <c>nonce</c> (classic tokens, decrypted here with the app's Play Console keys from the secret store) or
/// <c>requestHash</c> (standard tokens, decoded by Google). Play Integrity has no device key, so the device id is a fresh
/// random value and there is no refresh (API.md).
/// </summary>
public sealed partial class PlayIntegrityVerifier : IEvidenceVerifier
{
    /// <summary>Every <c>appRecognitionVerdict</c> value Google documents.</summary>
    public static readonly IReadOnlySet<string> KnownAppRecognitionVerdicts =
        new HashSet<string>(["PLAY_RECOGNIZED", "UNRECOGNIZED_VERSION", "UNEVALUATED"], StringComparer.Ordinal);

    private const int MinTokenLength = 16;
    private static readonly TimeSpan LongestMaxAge = TimeSpan.FromDays(1);

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

    public string Platform => Platforms.PlayIntegrity;

    public bool SupportsRefresh => false;

    public IEnumerable<string> ValidatePolicy(AppPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.PlayIntegrity is not { } section)
        {
            yield return "the PlayIntegrity section is missing.";
            yield break;
        }

        if (!AppPolicyReader.IsWellFormedAppId(section.PackageName))
        {
            yield return "PlayIntegrity:PackageName must be the app's package name.";
        }

        if (section.SigningCertificateDigests.Count == 0)
        {
            yield return "PlayIntegrity:SigningCertificateDigests must list at least one signing certificate SHA-256 digest.";
        }

        foreach (var digest in section.SigningCertificateDigests.Where(d => !SigningCertificateDigest.TryParse(d, out _)))
        {
            yield return $"PlayIntegrity:SigningCertificateDigests entry '{digest}' is not a SHA-256 digest (64 hex digits or base64url of 32 bytes).";
        }

        if (section.Mode is not ("classic" or "standard" or "both"))
        {
            yield return $"PlayIntegrity:Mode must be 'classic', 'standard' or 'both', not '{section.Mode}'.";
        }

        if (section.Mode is "classic" or "both")
        {
            if (string.IsNullOrWhiteSpace(section.DecryptionKeySecretName) || string.IsNullOrWhiteSpace(section.VerificationKeySecretName))
            {
                yield return "PlayIntegrity:DecryptionKeySecretName and VerificationKeySecretName must name the secrets holding the Play Console keys (classic tokens).";
            }
        }

        if (section.Mode is "standard" or "both" && string.IsNullOrWhiteSpace(section.ServiceAccountSecretName))
        {
            yield return "PlayIntegrity:ServiceAccountSecretName must name the secret holding the Google service account key (standard tokens).";
        }

        if (section.MaxAge <= TimeSpan.Zero || section.MaxAge > LongestMaxAge)
        {
            yield return "PlayIntegrity:MaxAge must be more than zero and at most one day.";
        }

        foreach (var verdict in section.AllowedAppRecognitionVerdicts.Where(v => !KnownAppRecognitionVerdicts.Contains(v)))
        {
            yield return $"PlayIntegrity:AllowedAppRecognitionVerdicts entry '{verdict}' is not one of {string.Join(", ", KnownAppRecognitionVerdicts)}.";
        }

        if (!DeviceIntegrityLevels.TryParse(section.MinimumDeviceVerdict, out _))
        {
            yield return $"PlayIntegrity:MinimumDeviceVerdict must be 'basic', 'device' or 'strong', not '{section.MinimumDeviceVerdict}'.";
        }
    }

    public IPlatformEvidence ReadEvidence(JsonElement evidence) =>
        new IntegrityEvidence(EvidenceJson.RequireString(evidence, "evidence", "integrityToken", ClassicIntegrityToken.MaxLength));

    public async Task<AttestationVerdict> VerifyAttestationAsync(AppPolicy policy, string challenge, IPlatformEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        var section = policy.PlayIntegrity ?? throw new InvalidOperationException("ValidatePolicy admits no Play Integrity app without its section.");
        var token = ((IntegrityEvidence)evidence).IntegrityToken;

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

    public IPlatformEvidence ReadProof(JsonElement proof) => throw RefreshUnsupported();

    public Task<RefreshVerdict> VerifyRefreshAsync(AppPolicy policy, DeviceRegistration registration, string challenge, IPlatformEvidence proof, CancellationToken cancellationToken = default) =>
        throw RefreshUnsupported();

    private static AttestationException RefreshUnsupported() =>
        new(AttestationErrorCode.RefreshUnsupported, "Play Integrity has no device key to prove; attest again with a new integrity token.");

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

    private sealed class IntegrityEvidence(string integrityToken) : IPlatformEvidence
    {
        public string IntegrityToken { get; } = integrityToken;

        // No id can be derived without verifying; a decoy answer gets a random one, as a real attestation would.
        public string? ClaimedDeviceId => null;
    }
}
