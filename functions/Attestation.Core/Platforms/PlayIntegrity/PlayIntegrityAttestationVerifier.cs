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
/// <c>requestHash</c> (standard tokens, decoded by Google). A verdict names no key of its own: an app that sends a
/// <c>deviceKey</c> binds one into that field (<see cref="PlayIntegrityDeviceKey"/>), and its device then has the key's id
/// and refreshes by signature (<see cref="PlayIntegrityRefreshVerifier"/>), so Google is asked once per installation rather
/// than once per token. Without one the device id is a fresh random value and there is no refresh (docs/api.md).
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

    public PlayIntegrityEvidence ReadEvidence(JsonElement evidence)
    {
        var token = EvidenceJson.RequireString(evidence, "evidence", "integrityToken", ClassicIntegrityToken.MaxLength);

        // An absent or null deviceKey is the keyless attestation; anything else must be a key, read here, before the
        // challenge is consumed, so that a malformed one is a 400 that changes nothing.
        if (!evidence.TryGetProperty("deviceKey", out var deviceKey) || deviceKey.ValueKind == JsonValueKind.Null)
        {
            return new PlayIntegrityEvidence(token);
        }

        var keyText = EvidenceJson.RequireString(evidence, "evidence", "deviceKey", PlayIntegrityDeviceKey.MaxTextLength);
        return new PlayIntegrityEvidence(token, PlayIntegrityDeviceKey.Read(keyText));
    }

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

        // docs/api.md: with a deviceKey the verdict must answer the challenge bound to that key, and nothing else.
        var deviceKey = evidence.DeviceKey;
        var expected = deviceKey?.RequestBinding(challenge) ?? challenge;
        IntegrityVerdictRequirements.FromPolicy(policy, kind, expected).Check(verdict, _timeProvider.GetUtcNow());

        var summary = $"play-integrity {(kind == IntegrityRequestKind.Classic ? "classic" : "standard")}{(deviceKey is null ? "" : " with device key")}: {verdict.Summarize()}";
        if (deviceKey is null)
        {
            // Without a key, each attestation is a new device with a fresh random id.
            var deviceId = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(32));
            return new AttestationVerdict(deviceId, PublicKey: null, Counter: 0, summary, AllowsReattestation: false);
        }

        // A key may attest again, unlike a hardware-attested key: each attestation carries a fresh verdict of its own, and
        // updates the registration's facts and age. The facts are what a refresh re-checks against the app's policy.
        return new AttestationVerdict(
            deviceKey.DeviceId, deviceKey.SubjectPublicKeyInfo, Counter: 0, summary, AllowsReattestation: true,
            AttestedFacts: PlayIntegrityRegisteredFacts.Of(verdict).ToText());
    }
}
