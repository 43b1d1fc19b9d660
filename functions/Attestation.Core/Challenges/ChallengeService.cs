using System.Security.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Text;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Challenges;

/// <summary>Issues and redeems one-time challenges (docs/api.md, <c>POST /api/v1/challenge</c>).</summary>
public sealed class ChallengeService(IChallengeStore store, IOptions<ChallengeOptions> options, TimeProvider timeProvider)
{
    /// <summary>32 random bytes, as docs/api.md fixes; their base64url form is 43 characters.</summary>
    public const int ChallengeByteLength = 32;
    private const int ChallengeTextLength = 43;

    /// <summary>Creates and stores a challenge for <paramref name="appId"/>.</summary>
    /// <exception cref="DependencyUnavailableException">The store cannot be reached.</exception>
    public async Task<Challenge> IssueAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        var value = Base64Flexible.ToBase64Url(RandomNumberGenerator.GetBytes(ChallengeByteLength));
        var challenge = new Challenge(value, appId, timeProvider.GetUtcNow() + options.Value.Lifetime);
        await store.AddAsync(challenge, cancellationToken).ConfigureAwait(false);
        return challenge;
    }

    /// <summary>
    /// Consumes <paramref name="value"/> for <paramref name="appId"/>. The challenge is gone afterwards whatever the outcome:
    /// docs/api.md says the first attest or refresh that presents it consumes it, whether that call succeeds or fails.
    /// </summary>
    /// <exception cref="AttestationException"><c>challenge_invalid</c>: unknown, used, expired, or issued for another app.</exception>
    /// <exception cref="DependencyUnavailableException">The store cannot be reached.</exception>
    public async Task RedeemAsync(string appId, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);

        // Anything that is not the 43-character base64url form was never issued; refusing it here also keeps arbitrary
        // client text out of table keys.
        if (value is null || value.Length != ChallengeTextLength || !Base64Flexible.IsBase64UrlText(value, ChallengeTextLength))
        {
            throw new AttestationException(AttestationErrorCode.ChallengeInvalid, "The challenge is unknown. Request a new challenge.");
        }

        var challenge = await store.TakeAsync(value, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationErrorCode.ChallengeInvalid, "The challenge is unknown or was already used. Request a new challenge.");

        if (!string.Equals(challenge.AppId, appId, StringComparison.Ordinal))
        {
            throw new AttestationException(AttestationErrorCode.ChallengeInvalid, "The challenge was issued for another app. Request a new challenge.");
        }

        if (timeProvider.GetUtcNow() >= challenge.ExpiresAt)
        {
            throw new AttestationException(AttestationErrorCode.ChallengeInvalid, "The challenge has expired. Request a new challenge.");
        }
    }
}
