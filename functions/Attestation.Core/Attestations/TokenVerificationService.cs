using Attestation.Core.Devices;
using Attestation.Core.Tokens;

namespace Attestation.Core.Attestations;

/// <summary>
/// <c>POST /api/v1/verify</c>: signature and claims, then the binding, then the device's status, then (when asked) single use.
/// Consuming comes last so that a token refused for another reason is not used up.
/// </summary>
public sealed class TokenVerificationService(
    TokenValidator validator,
    ISigningKeyProvider signingKeys,
    IDeviceRegistry devices,
    IConsumedTokenStore consumedTokens)
{
    /// <summary>Verifies <paramref name="token"/>.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">Storage or the signing key cannot be reached.</exception>
    public async Task<TokenCheck> VerifyAsync(string token, string? boundValue, bool consume, CancellationToken cancellationToken = default)
    {
        var keys = await signingKeys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var check = await validator.ValidateAsync(token, keys, boundValue).ConfigureAwait(false);
        if (check.Token is not { } verified)
        {
            return check;
        }

        var registration = await devices.FindAsync(verified.AppId, verified.DeviceId, cancellationToken).ConfigureAwait(false);
        if (registration is null || registration.Status == DeviceStatus.Revoked)
        {
            return TokenCheck.Refused(TokenRefusal.DeviceRevoked);
        }

        if (consume && !await consumedTokens.TryConsumeAsync(verified.TokenId, verified.ExpiresAt, cancellationToken).ConfigureAwait(false))
        {
            return TokenCheck.Refused(TokenRefusal.AlreadyConsumed);
        }

        return check;
    }
}
