using Attestation.Core.Apps;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;

namespace Attestation.Core.Tokens;

/// <summary>
/// What the API asking verify serves (docs/api.md, verify's <c>appId</c> and <c>platforms</c>): every app of a deployment
/// shares one issuer and audience, so without a scope a token of a lenient app (debug builds, basic integrity) would pass
/// the strictest app's APIs.
/// </summary>
public sealed class TokenScope
{
    /// <summary>Accepts every app and platform: what verify does when the caller names neither.</summary>
    public static TokenScope Any { get; } = new(null, null);

    private readonly string[]? _platforms;

    private TokenScope(string? appId, string[]? platforms)
    {
        AppId = appId;
        _platforms = platforms;
    }

    /// <summary>The only app whose tokens pass, or null for any.</summary>
    public string? AppId { get; }

    /// <summary>The platforms whose tokens pass, or null for all.</summary>
    public IReadOnlyList<string>? Platforms => _platforms;

    /// <summary>Reads a caller's scope; null members accept everything.</summary>
    /// <exception cref="AttestationException">
    /// <c>invalid_request</c>: <paramref name="appId"/> is not a well-formed app id, or <paramref name="platforms"/> is empty or
    /// names a platform docs/api.md does not know.
    /// </exception>
    public static TokenScope Create(string? appId, IReadOnlyList<string?>? platforms)
    {
        if (appId is not null && !AppPolicyReader.IsWellFormedAppId(appId))
        {
            throw AttestationException.InvalidRequest("appId must be 1 to 128 letters, digits, '.', '-' or '_'.");
        }

        if (platforms is null)
        {
            return appId is null ? Any : new TokenScope(appId, null);
        }

        // An empty list would refuse every token: surely a caller's mistake, and one that would look like an outage.
        if (platforms.Count == 0)
        {
            throw AttestationException.InvalidRequest("platforms, when given, must name at least one platform.");
        }

        var known = new string[platforms.Count];
        for (var i = 0; i < platforms.Count; i++)
        {
            // The caller's text is not echoed: the detail names the accepted values instead.
            known[i] = PlatformNames.IsKnown(platforms[i])
                ? platforms[i]!
                : throw AttestationException.InvalidRequest($"platforms may hold only {string.Join(", ", PlatformNames.All)}.");
        }

        return new TokenScope(appId, known);
    }

    /// <summary>Why <paramref name="token"/> is outside this scope, or null when it is inside.</summary>
    public TokenRefusal? Refuse(VerifiedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (AppId is not null && !string.Equals(token.AppId, AppId, StringComparison.Ordinal))
        {
            return TokenRefusal.WrongApp;
        }

        if (_platforms is not null && !_platforms.Contains(token.Platform, StringComparer.Ordinal))
        {
            return TokenRefusal.WrongPlatform;
        }

        return null;
    }
}
