namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// What can be checked of an integrity token before anything is spent on it (a secret read, a decryption, a Google call).
/// </summary>
/// <remarks>
/// Classic tokens are compact JWEs, checked part by part by <see cref="ClassicIntegrityToken"/>. Google documents a standard
/// token only as an opaque "encoded integrity token" (<c>DecodeIntegrityTokenRequest.integrityToken</c>), so only what holds
/// for any compact serialization is checked here, and nothing about part counts or headers: base64url text and dots,
/// no dot at either end (the first part, a protected header, and the last, a signature or tag, are never empty), at least
/// <see cref="MinBase64UrlCharacters"/> characters that are not dots, and at most <see cref="ClassicIntegrityToken.MaxLength"/>
/// in all. Such checks stop garbage, not a determined caller; the call budget (<see cref="GoogleCallGuard"/>) bounds the rest.
/// </remarks>
public static class IntegrityTokenShape
{
    /// <summary>The fewest base64url characters a token has (real ones have hundreds).</summary>
    public const int MinBase64UrlCharacters = 16;

    /// <summary>True when <paramref name="token"/> may be an integrity token and is worth sending on.</summary>
    public static bool IsWellFormed(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > ClassicIntegrityToken.MaxLength || token[0] == '.' || token[^1] == '.')
        {
            return false;
        }

        var characters = 0;
        foreach (var c in token)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')
            {
                characters++;
            }
            else if (c != '.')
            {
                return false;
            }
        }

        return characters >= MinBase64UrlCharacters;
    }
}
