using System.Security.Cryptography;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms;

/// <summary>
/// A signing certificate SHA-256 digest as app policies and the offline tool write it: 64 hex digits (colons allowed, as
/// <c>keytool</c> and <c>apksigner</c> print them) or base64/base64url of the 32 bytes (as Play Integrity's
/// <c>certificateSha256Digest</c> gives them).
/// </summary>
public static class SigningCertificateDigest
{
    /// <summary>Parses one digest; false when <paramref name="text"/> is neither 32 bytes of hex nor of base64.</summary>
    public static bool TryParse(string? text, out byte[] digest)
    {
        digest = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length == 2 * SHA256.HashSizeInBytes && hex.All(char.IsAsciiHexDigit))
        {
            digest = Convert.FromHexString(hex);
            return true;
        }

        if (Base64Flexible.TryDecode(text, out var bytes) && bytes.Length == SHA256.HashSizeInBytes)
        {
            digest = bytes;
            return true;
        }

        return false;
    }

    /// <summary>True when <paramref name="digest"/> equals one of <paramref name="allowed"/> (compared in constant time).</summary>
    public static bool IsAllowed(ReadOnlySpan<byte> digest, IEnumerable<byte[]> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var found = false;
        foreach (var candidate in allowed)
        {
            found |= candidate.Length == digest.Length && CryptographicOperations.FixedTimeEquals(candidate, digest);
        }

        return found;
    }
}
