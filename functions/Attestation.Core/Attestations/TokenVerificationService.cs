using Attestation.Core.Errors;
using Attestation.Core.Revocation;
using Attestation.Core.Telemetry;
using Attestation.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Attestations;

/// <summary>
/// <c>POST /api/v1/verify</c>: signature and claims (the app and platform the caller accepts among them), then the binding, then the device's status, then (when asked) single use.
/// Consuming comes last so that a token refused for another reason is not used up. The device's status comes from this
/// instance's <see cref="RevocationView"/>, so only consuming calls storage.
/// </summary>
/// <remarks>
/// A trusted token exists only for a registered device (attest and refresh register or read the row before signing), and
/// no path deletes a device row, so "not revoked in the view" is all that verify needs to know of the registration.
/// </remarks>
public sealed class TokenVerificationService(
    TokenValidator validator,
    ISigningKeyProvider signingKeys,
    RevocationView revocations,
    IConsumedTokenStore consumedTokens,
    IOptions<TokenOptions> tokenOptions,
    AttestationMetrics metrics)
{
    /// <summary>
    /// Verifies <paramref name="token"/> for an API that accepts <paramref name="scope"/> (null: any app and platform), and
    /// counts the outcome by reason.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">
    /// The signing key cannot be loaded, the revocation view has never been read, or (when consuming) storage cannot be reached.
    /// </exception>
    public async Task<TokenCheck> VerifyAsync(string token, string? boundValue, bool consume, TokenScope? scope = null, CancellationToken cancellationToken = default)
    {
        TokenCheck check;
        try
        {
            check = await VerifyCoreAsync(token, boundValue, consume, scope ?? TokenScope.Any, cancellationToken).ConfigureAwait(false);
        }
        catch (DependencyUnavailableException)
        {
            metrics.RecordVerificationUnavailable();
            throw;
        }

        metrics.RecordVerification(check.Refusal);
        return check;
    }

    private async Task<TokenCheck> VerifyCoreAsync(string token, string? boundValue, bool consume, TokenScope scope, CancellationToken cancellationToken)
    {
        var keys = await signingKeys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var check = await validator.ValidateAsync(token, keys, boundValue, scope).ConfigureAwait(false);
        if (check.UnknownKeyId is { } kid)
        {
            // Another instance may sign with a key version this one has not loaded yet: reload (rate-limited) and try again.
            var reloaded = await signingKeys.GetKeysIncludingAsync(kid, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(reloaded, keys))
            {
                check = await validator.ValidateAsync(token, reloaded, boundValue, scope).ConfigureAwait(false);
            }
        }

        if (check.Token is not { } verified)
        {
            return check;
        }

        if (await revocations.IsRevokedAsync(verified.AppId, verified.DeviceId, cancellationToken).ConfigureAwait(false))
        {
            return TokenCheck.Refused(TokenRefusal.DeviceRevoked);
        }

        // The record must outlive every instant at which the token still validates, clock skew included.
        var validUntil = verified.ExpiresAt + tokenOptions.Value.ClockSkew;
        if (consume && !await consumedTokens.TryConsumeAsync(verified.TokenId, validUntil, cancellationToken).ConfigureAwait(false))
        {
            return TokenCheck.Refused(TokenRefusal.AlreadyConsumed);
        }

        return check;
    }
}
