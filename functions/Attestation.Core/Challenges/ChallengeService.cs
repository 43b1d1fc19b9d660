using Attestation.Core.Errors;
using Microsoft.Extensions.Options;

namespace Attestation.Core.Challenges;

/// <summary>
/// Issues and redeems one-time challenges (docs/api.md, <c>POST /api/v1/challenge</c>). Issuing stores nothing: the
/// challenge seals its app, expiry and random bytes under the challenge key (<see cref="SealedChallenge"/>). Redeeming
/// checks the seal and the expiry without storage, then writes the challenge's used marker once.
/// </summary>
public sealed class ChallengeService(IUsedChallengeStore usedChallenges, IChallengeKeyProvider keys, IOptions<ChallengeOptions> options, TimeProvider timeProvider)
{
    /// <summary>Seals a challenge for <paramref name="appId"/>.</summary>
    /// <exception cref="DependencyUnavailableException">The challenge key was never loaded and its vault cannot be reached.</exception>
    public async Task<Challenge> IssueAsync(string appId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        var key = (await keys.GetKeysAsync(cancellationToken).ConfigureAwait(false)).Current;

        // Whole seconds, as sealed: the expiry the client is told is exactly the one redeeming checks.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((timeProvider.GetUtcNow() + options.Value.Lifetime).ToUnixTimeSeconds());
        return new Challenge(SealedChallenge.Seal(key, appId, expiresAt), appId, expiresAt);
    }

    /// <summary>
    /// Consumes <paramref name="value"/> for <paramref name="appId"/>. The challenge is used afterwards whatever the outcome:
    /// docs/api.md says the first attest or refresh that presents it consumes it, whether that call succeeds or fails.
    /// Every refusal but "already used" is decided before any storage call, so a forged or stale challenge writes nothing.
    /// </summary>
    /// <exception cref="AttestationException"><c>challenge_invalid</c>: not issued here, for another app, expired, or already used.</exception>
    /// <exception cref="DependencyUnavailableException">The store (or the vault, before the first key load) cannot be reached; the challenge stays usable.</exception>
    public async Task RedeemAsync(string appId, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        if (!SealedChallenge.TryRead(value, out var challenge))
        {
            throw Invalid("The challenge is not one this backend issued. Request a new challenge.");
        }

        var keySet = await keys.GetKeysIncludingAsync(challenge.KeyId, cancellationToken).ConfigureAwait(false);
        if (keySet.Find(challenge.KeyId) is not { } key)
        {
            throw Invalid("The challenge was sealed with a key this backend no longer accepts. Request a new challenge.");
        }

        // One check covers a forged or altered challenge and a genuine one issued for another app: the app id is sealed in.
        if (!challenge.IsSealedBy(key, appId))
        {
            throw Invalid("The challenge was not issued for this app by this backend. Request a new challenge.");
        }

        if (timeProvider.GetUtcNow() >= challenge.ExpiresAt)
        {
            throw Invalid("The challenge has expired. Request a new challenge.");
        }

        if (!await usedChallenges.TryMarkUsedAsync(challenge.Id, challenge.ExpiresAt, cancellationToken).ConfigureAwait(false))
        {
            throw Invalid("The challenge was already used. Request a new challenge.");
        }
    }

    private static AttestationException Invalid(string detail) => new(AttestationErrorCode.ChallengeInvalid, detail);
}
