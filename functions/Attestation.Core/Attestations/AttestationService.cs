using System.Text.Json;
using Attestation.Core.Apps;
using Attestation.Core.Challenges;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Telemetry;
using Attestation.Core.Text;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Attestations;

/// <summary>
/// The attest and refresh flows of docs/api.md: check the request, consume the challenge, verify the evidence with the platform's
/// verifier, register or update the device, and sign a token, or, for an app in decoy mode, answer a refusal with a token
/// nobody trusts.
/// </summary>
public sealed partial class AttestationService(
    IAppPolicyProvider policies,
    ChallengeService challenges,
    PlatformCatalog platforms,
    IDeviceStore devices,
    ISigningKeyProvider signingKeys,
    TokenIssuer issuer,
    TimeProvider timeProvider,
    AttestationMetrics metrics,
    ILogger<AttestationService> logger)
{
    /// <summary>The refusals that decoy mode hides, exactly those docs/api.md lists ("Failure modes").</summary>
    private static readonly HashSet<AttestationErrorCode> DecoyCodes =
    [
        AttestationErrorCode.ChallengeInvalid,
        AttestationErrorCode.AttestationInvalid,
        AttestationErrorCode.PolicyViolation,
        AttestationErrorCode.DeviceRevoked,
    ];

    /// <summary>
    /// At refresh decoy mode also hides the refusals that would tell whether the device id was ever registered, or that its
    /// proof is bad (docs/api.md): a device that got a decoy at attest was never registered, and gets a decoy again.
    /// </summary>
    private static readonly HashSet<AttestationErrorCode> RefreshDecoyCodes =
    [
        .. DecoyCodes,
        AttestationErrorCode.DeviceUnknown,
        AttestationErrorCode.ProofInvalid,
    ];

    /// <summary>Issues a one-time challenge for a registered app.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> or <c>app_unknown</c>.</exception>
    /// <exception cref="DependencyUnavailableException">The app registry or the challenge key cannot be loaded (issuing itself writes nothing).</exception>
    public async Task<Challenge> IssueChallengeAsync(string appId, CancellationToken cancellationToken = default)
    {
        var policy = await FindPolicyAsync(appId, cancellationToken).ConfigureAwait(false);
        return await challenges.IssueAsync(policy.AppId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IssuedToken> AttestCoreAsync(AttestCommand command, FlowOutcome outcome, CancellationToken cancellationToken)
    {
        var policy = await FindPolicyAsync(command.AppId, cancellationToken).ConfigureAwait(false);
        outcome.AppId = policy.AppId;
        var binding = ReadBinding(command.Binding);
        var platform = platforms.Find(command.Platform)
            ?? throw AttestationException.InvalidRequest($"platform must be one of: {string.Join(", ", platforms.Names)}.");
        outcome.Platform = platform.Name;

        // Everything that can refuse the request as malformed, or fail for want of a signing key, happens before the first
        // write, so that bad input and a Key Vault outage change nothing.
        var evidence = platform.ReadEvidence(command.Evidence);
        var keys = await signingKeys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var wroteDevice = false;

        try
        {
            await challenges.RedeemAsync(policy.AppId, command.Challenge, cancellationToken).ConfigureAwait(false);
            if (!policy.IsPlatformEnabled(command.Platform))
            {
                throw new AttestationException(AttestationErrorCode.PolicyViolation, $"The platform '{command.Platform}' is not enabled for this app.");
            }

            var verdict = await evidence.VerifyAsync(policy, command.Challenge, cancellationToken).ConfigureAwait(false);
            if (verdict.AdmitAsync is { } admit)
            {
                await admit(policy.AppId, cancellationToken).ConfigureAwait(false);
            }

            wroteDevice = true;
            await RegisterAsync(policy.AppId, command.Platform, verdict, cancellationToken).ConfigureAwait(false);

            var token = issuer.Issue(keys, new TokenSubject(verdict.DeviceId, policy.AppId, command.Platform, binding));
            LogAttested(policy.AppId, command.Platform, verdict.DeviceId);
            outcome.MarkIssued();
            return token;
        }
        catch (AttestationException refusal) when (policy.FailureMode == FailureMode.Decoy && DecoyCodes.Contains(refusal.Code))
        {
            var deviceId = evidence.ClaimedDeviceId ?? RandomDeviceId();
            await ImitateDeviceWriteAsync(policy.AppId, deviceId, wroteDevice, cancellationToken).ConfigureAwait(false);
            LogDecoy(policy.AppId, command.Platform, refusal.Code.ToWireName(), refusal.Detail);
            outcome.MarkDecoy(refusal.Code);
            return issuer.IssueDecoy(keys, new TokenSubject(deviceId, policy.AppId, command.Platform, binding));
        }
        catch (AttestationException refusal)
        {
            LogRefused(policy.AppId, command.Platform, refusal.Code.ToWireName(), refusal.Detail);
            throw;
        }
    }

    private async Task<IssuedToken> RefreshCoreAsync(RefreshCommand command, FlowOutcome outcome, CancellationToken cancellationToken)
    {
        var policy = await FindPolicyAsync(command.AppId, cancellationToken).ConfigureAwait(false);
        outcome.AppId = policy.AppId;
        var binding = ReadBinding(command.Binding);

        // docs/api.md: b64 fields may come in either alphabet, padded or not; the device store holds the base64url form attest returned.
        var deviceId = command.DeviceId is null ? null : Base64Flexible.ToUrlAlphabet(command.DeviceId);
        if (!Base64Flexible.IsBase64UrlText(deviceId, 128))
        {
            throw AttestationException.InvalidRequest("deviceId must be the base64url device id returned by attest.");
        }

        // For an app in decoy mode every shape check comes before the device is looked up, so that a malformed request gets one
        // answer whether or not its device id was ever registered (issue 16, finding 2). The request names no platform: its
        // proof must have one's shape. Other apps answer as docs/api.md always has (an unknown id is 404 whatever its proof).
        var proofPlatform = PlatformOfProof(command.Proof);
        if (policy.FailureMode == FailureMode.Decoy && proofPlatform is null)
        {
            throw AttestationException.InvalidRequest(command.Proof is null
                ? "proof is required."
                : $"proof must have the shape of a refresh proof of one of: {string.Join(", ", platforms.Refreshing.Select(p => p.Name))}.");
        }

        var keys = await signingKeys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var registration = await devices.FindAsync(policy.AppId, deviceId, cancellationToken).ConfigureAwait(false);
        var platform = registration?.Platform ?? proofPlatform?.Name ?? PlatformNames.Debug;
        outcome.Platform = platform;
        var (proof, deferred) = ReadRegisteredProof(policy, registration, command.Proof);
        var wroteDevice = false;
        try
        {
            await challenges.RedeemAsync(policy.AppId, command.Challenge, cancellationToken).ConfigureAwait(false);
            if (registration is null || proof is null)
            {
                throw deferred ?? new AttestationException(AttestationErrorCode.DeviceUnknown, "No device with this id is registered for this app; attest first.");
            }

            if (registration.Status == DeviceStatus.Revoked)
            {
                throw new AttestationException(AttestationErrorCode.DeviceRevoked, "This device was revoked.");
            }

            if (!policy.IsPlatformEnabled(registration.Platform))
            {
                throw new AttestationException(AttestationErrorCode.PolicyViolation, $"The platform '{registration.Platform}' is not enabled for this app.");
            }

            // The platform re-checks what the device attested against the app's current policy and revocation data (issue 16,
            // finding 3); the age check follows the proof, so only the key's holder learns that the registration is too old.
            var verdict = await proof.VerifyAsync(policy, registration, command.Challenge, cancellationToken).ConfigureAwait(false);
            RequireRecentAttestation(policy, registration);

            // The conditional write is what makes a counter single use: of two refreshes that read the same registration,
            // only the first write succeeds.
            var updated = registration with { Counter = verdict.Counter, LastSeen = timeProvider.GetUtcNow() };
            wroteDevice = true;
            if (!await devices.TryUpdateAsync(updated, cancellationToken).ConfigureAwait(false))
            {
                throw new AttestationException(AttestationErrorCode.ProofInvalid, "Another refresh for this device was accepted at the same time; serialize refreshes and retry with a new challenge.")
                {
                    Action = AttestationAction.NewChallenge,
                };
            }

            var token = issuer.Issue(keys, new TokenSubject(registration.DeviceId, policy.AppId, registration.Platform, binding));
            LogRefreshed(policy.AppId, registration.Platform, registration.DeviceId);
            outcome.MarkIssued();
            return token;
        }
        catch (AttestationException refusal) when (policy.FailureMode == FailureMode.Decoy && RefreshDecoyCodes.Contains(refusal.Code))
        {
            await ImitateDeviceWriteAsync(policy.AppId, deviceId, wroteDevice, cancellationToken).ConfigureAwait(false);
            LogDecoy(policy.AppId, platform, refusal.Code.ToWireName(), refusal.Detail);
            outcome.MarkDecoy(refusal.Code);
            // The platform the proof looks like, not the registered one: a decoy's plat claim is readable, and must not tell a
            // registered device from an unknown one sent the same proof.
            return issuer.IssueDecoy(keys, new TokenSubject(deviceId, policy.AppId, proofPlatform?.Name ?? platform, binding));
        }
        catch (AttestationException refusal)
        {
            LogRefused(policy.AppId, platform, refusal.Code.ToWireName(), refusal.Detail);
            throw;
        }
    }

    /// <summary>A registration older than the app's maximum registration age must attest again, whatever its proof.</summary>
    /// <exception cref="AttestationException"><c>attestation_required</c>.</exception>
    private void RequireRecentAttestation(AppPolicy policy, DeviceRegistration registration)
    {
        if (timeProvider.GetUtcNow() - registration.AttestationInstant > policy.MaximumRegistrationAge)
        {
            throw new AttestationException(AttestationErrorCode.AttestationRequired, "This device's attestation is older than the app allows; attest again.");
        }
    }

    /// <summary>
    /// The refresh checks that depend on what the registry holds for the device: its platform is available and the device can refresh, and
    /// the proof has that platform's shape. For an app in decoy mode a refusal here is returned, to be raised after the
    /// challenge where an unknown device's is, so that decoy mode can hide it the same way (a proof of another platform's shape
    /// is then a bad proof: its shape was checked before the lookup). For other apps it is thrown at once, before the challenge
    /// is consumed, as docs/api.md has always answered it.
    /// </summary>
    private (PendingRefresh? Proof, AttestationException? Deferred) ReadRegisteredProof(AppPolicy policy, DeviceRegistration? registration, JsonElement? proof)
    {
        if (registration is null)
        {
            return (null, null);
        }

        try
        {
            var registered = platforms.Find(registration.Platform)
                ?? throw new AttestationException(AttestationErrorCode.PolicyViolation, $"The platform '{registration.Platform}' is not available in this backend.");
            if (!registered.CanRefresh(registration))
            {
                throw registered.RefreshUnsupported();
            }

            return (registered.ReadProof(proof ?? throw AttestationException.InvalidRequest("proof is required.")), null);
        }
        catch (AttestationException refusal) when (policy.FailureMode == FailureMode.Decoy)
        {
            return (null, refusal.Code == AttestationErrorCode.InvalidRequest
                ? new AttestationException(AttestationErrorCode.ProofInvalid, $"The proof does not have the shape of a '{registration.Platform}' proof.")
                : refusal);
        }
    }

    /// <summary>
    /// A decoy answer mostly skips the device write of a genuine answer; it spends the same storage round trip instead, so that
    /// a caller timing answers does not see the difference (docs/security.md says what timing still shows).
    /// </summary>
    private async Task ImitateDeviceWriteAsync(string appId, string deviceId, bool wroteDevice, CancellationToken cancellationToken)
    {
        if (!wroteDevice)
        {
            await devices.ImitateUpdateAsync(appId, deviceId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AppPolicy> FindPolicyAsync(string appId, CancellationToken cancellationToken)
    {
        if (!AppPolicyReader.IsWellFormedAppId(appId))
        {
            throw AttestationException.InvalidRequest("appId must be 1 to 128 letters, digits, '.', '-' or '_'.");
        }

        return await policies.FindAsync(appId, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationErrorCode.AppUnknown, "No app with this appId is registered.");
    }

    /// <summary>docs/api.md: <c>binding</c> is the base64url SHA-256 of the bound value; the token carries it as <c>pay</c>.</summary>
    private static string? ReadBinding(string? binding)
    {
        if (binding is null)
        {
            return null;
        }

        if (!Base64Flexible.TryDecode(binding, out var hash) || hash.Length != 32)
        {
            throw AttestationException.InvalidRequest("binding must be the base64url SHA-256 (32 bytes) of the value to bind to.");
        }

        return Base64Flexible.ToBase64Url(hash);
    }

    private async Task RegisterAsync(string appId, string platform, AttestationVerdict verdict, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var registration = new DeviceRegistration(
            appId, verdict.DeviceId, platform, verdict.PublicKey, verdict.Counter, now, now, verdict.VerdictSummary, DeviceStatus.Active,
            Receipt: verdict.Receipt, AttestedAt: now, AttestedFacts: verdict.AttestedFacts);
        if (await devices.TryAddAsync(registration, cancellationToken).ConfigureAwait(false))
        {
            metrics.RecordDeviceRegistered(appId, platform);
            return;
        }

        var existing = await devices.FindAsync(appId, verdict.DeviceId, cancellationToken).ConfigureAwait(false);
        if (existing?.Status == DeviceStatus.Revoked)
        {
            throw new AttestationException(AttestationErrorCode.DeviceRevoked, "This device was revoked.");
        }

        if (existing is null || !verdict.AllowsReattestation || !string.Equals(existing.Platform, platform, StringComparison.Ordinal))
        {
            throw new AttestationException(AttestationErrorCode.AttestationInvalid, "This device key is already registered; a key can be registered only once. Generate a new key and attest it.")
            {
                Action = AttestationAction.NewKey,
            };
        }

        // A reusable credential (a debug token) attesting again refreshes what is known of it; FirstSeen stays. If another
        // writer came first (a revocation, say), read again so that a revocation is never overwritten or missed.
        if (!await devices.TryUpdateAsync(existing with { LastSeen = now, VerdictSummary = verdict.VerdictSummary, AttestedAt = now, AttestedFacts = verdict.AttestedFacts }, cancellationToken).ConfigureAwait(false)
            && (await devices.FindAsync(appId, verdict.DeviceId, cancellationToken).ConfigureAwait(false))?.Status != DeviceStatus.Active)
        {
            throw new AttestationException(AttestationErrorCode.DeviceRevoked, "This device was revoked.");
        }
    }

    /// <summary>
    /// The first refreshing platform whose proof shape <paramref name="proof"/> has, or null when none reads it. For an app in
    /// decoy mode this is the refresh's shape check, made before the device is looked up, and the platform a decoy names for
    /// an unknown device, so that its <c>plat</c> claim does not tell that the device is unknown. Only the platforms read
    /// proofs; this flow knows no platform's JSON.
    /// </summary>
    private AttestationPlatform? PlatformOfProof(JsonElement? proof)
    {
        if (proof is { } element)
        {
            foreach (var candidate in platforms.Refreshing)
            {
                try
                {
                    candidate.ReadProof(element);
                    return candidate;
                }
                catch (AttestationException)
                {
                    // Not this platform's shape.
                }
            }
        }

        return null;
    }

    private static string RandomDeviceId() => Base64Flexible.ToBase64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Attested app {AppId} platform {Platform} device {DeviceId}")]
    private partial void LogAttested(string appId, string platform, string deviceId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Refreshed app {AppId} platform {Platform} device {DeviceId}")]
    private partial void LogRefreshed(string appId, string platform, string deviceId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Refused app {AppId} platform {Platform}: {Code} ({Detail})")]
    private partial void LogRefused(string appId, string platform, string code, string detail);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Decoy token issued for app {AppId} platform {Platform} in place of refusal {Code} ({Detail})")]
    private partial void LogDecoy(string appId, string platform, string code, string detail);
}
