using System.Security.Cryptography;
using System.Text.Json;
using Attestation.Core.Errors;
using Attestation.Core.Secrets;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The <c>play-integrity</c> platform: Google's verdict on the app and the device, bound to the challenge through
/// <c>nonce</c> (classic tokens, decrypted here with the app's Play Console keys from the secret store) or
/// <c>requestHash</c> (standard tokens, decoded by Google). Play Integrity has no device key, so the device id is a fresh
/// random value and there is no refresh (docs/api.md).
/// </summary>
public sealed class PlayIntegrityAttestationVerifier : IAttestationVerifier<PlayIntegrityPolicy, PlayIntegrityEvidence>
{
    private readonly ISecretStore _secrets;
    private readonly IPlayIntegrityDecoder _decoder;
    private readonly TimeProvider _timeProvider;
    private readonly PlayIntegrityKeyCache _keys;

    public PlayIntegrityAttestationVerifier(ISecretStore secrets, IPlayIntegrityDecoder decoder, TimeProvider timeProvider, ILogger<PlayIntegrityAttestationVerifier> logger)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _secrets = secrets;
        _decoder = decoder;
        _timeProvider = timeProvider;
        _keys = new PlayIntegrityKeyCache(secrets, logger);
    }

    public PlayIntegrityEvidence ReadEvidence(JsonElement evidence) =>
        new(EvidenceJson.RequireString(evidence, "evidence", "integrityToken", ClassicIntegrityToken.MaxLength));

    public async Task<AttestationVerdict> VerifyAsync(PlayIntegrityPolicy policy, string challenge, PlayIntegrityEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(evidence);
        var token = evidence.IntegrityToken;

        // Tokens are base64url parts joined by dots. Anything else is refused here, before a secret is read or Google is
        // asked: the decode quota must not be spent on input that cannot be a token (issue 16, finding 4).
        if (!IntegrityTokenShape.IsWellFormed(token))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "The integrity token is malformed.");
        }

        // The policy's mode decides the kind; with "both", a compact JWE (five parts) is a classic token.
        var kind = policy.Mode switch
        {
            "classic" => IntegrityRequestKind.Classic,
            "standard" => IntegrityRequestKind.Standard,
            _ => ClassicIntegrityToken.LooksLikeJwe(token) ? IntegrityRequestKind.Classic : IntegrityRequestKind.Standard,
        };

        IntegrityVerdict verdict;
        if (kind == IntegrityRequestKind.Classic)
        {
            var keys = await _keys.GetAsync(policy.DecryptionKeySecretName!, policy.VerificationKeySecretName!, cancellationToken).ConfigureAwait(false);
            verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, keys).ConfigureAwait(false);
        }
        else
        {
            var serviceAccount = await _secrets.GetSecretAsync(policy.ServiceAccountSecretName!, cancellationToken).ConfigureAwait(false);
            verdict = await _decoder.DecodeAsync(policy.PackageName!, token, serviceAccount, cancellationToken).ConfigureAwait(false);
        }

        IntegrityVerdictRequirements.FromPolicy(policy, kind, challenge).Check(verdict, _timeProvider.GetUtcNow());

        // docs/api.md: Play Integrity has no device key, so each attestation is a new device with a fresh random id.
        var deviceId = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32));
        var summary = $"play-integrity {(kind == IntegrityRequestKind.Classic ? "classic" : "standard")}: {verdict.Summarize()}";
        return new AttestationVerdict(deviceId, PublicKey: null, Counter: 0, summary, AllowsReattestation: false);
    }
}
