namespace Attestation.Core.Platforms.Debug;

/// <summary>
/// How many bits of entropy a debug token can at most hold: its length times log2 of the smallest usual alphabet that
/// holds all its characters (digits 10, hex 16, one-case letters and digits 36, letters and digits 62, base64 or base64url
/// 64 with '=' padding not counted, anything else 95, the printable ASCII characters). A token below
/// <see cref="MinimumBits"/> is accepted only in Development (issue 16, finding 6): 32 hex digits or 22 base64url
/// characters are the shortest that pass. The figure is an upper bound (a long token can still be predictable), so it
/// refuses tokens that cannot be strong; the admin API's tokens (32 random bytes, 256 bits) always pass.
/// </summary>
public static class DebugTokenStrength
{
    /// <summary>The least entropy, in bits, of a debug token accepted outside Development.</summary>
    public const int MinimumBits = 128;

    /// <summary>The most entropy <paramref name="token"/> can hold, in bits.</summary>
    public static double EstimatedBits(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var body = token.TrimEnd('=');
        if (body.Length == 0)
        {
            return 0;
        }

        var alphabet = body.All(char.IsAsciiDigit) ? 10
            : body.All(char.IsAsciiHexDigit) && (!body.Any(char.IsAsciiLetterLower) || !body.Any(char.IsAsciiLetterUpper)) ? 16
            : body.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)) || body.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)) ? 36
            : body.All(char.IsAsciiLetterOrDigit) ? 62
            : body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || body.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/') ? 64
            : 95;
        return body.Length * Math.Log2(alphabet);
    }

    /// <summary>The detail of the refusal of a weak token outside Development.</summary>
    public const string WeakTokenRefusal =
        "Outside Development a debug token must hold at least 128 bits (e.g. 22 base64url characters or 32 hex digits); create one with the admin API.";

    /// <summary>True when <paramref name="token"/> can hold at least <see cref="MinimumBits"/> bits.</summary>
    public static bool IsStrongEnough(string token) => EstimatedBits(token) >= MinimumBits;
}
