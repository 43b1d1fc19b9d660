using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Attestation.Core.Text;

/// <summary>
/// docs/api.md: "b64" fields accept standard base64 and base64url, padded or not; everything the backend emits is base64url
/// without padding.
/// </summary>
public static class Base64Flexible
{
    /// <summary>Decodes standard or URL-safe base64, with or without padding. Returns false on anything else.</summary>
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // The decoder tolerates white space and a dangling character; the contract does not.
        var normalized = ToUrlAlphabet(text);
        if (text.Length - normalized.Length > 2 || normalized.Length % 4 == 1 || !IsBase64UrlText(normalized, int.MaxValue))
        {
            return false;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(normalized.Length)];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(normalized, buffer, out written))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // The decoder throws, rather than returning false, when the last character carries stray low bits ("AB").
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }

    /// <summary>Base64 text of either alphabet, padded or not, in the unpadded base64url alphabet (not validated).</summary>
    public static string ToUrlAlphabet(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Base64url without padding, the form of everything the backend emits.</summary>
    public static string ToBase64Url(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>base64url(SHA-256(UTF-8 bytes of <paramref name="value"/>)): the token binding (<c>pay</c>) and debug device id.</summary>
    public static string Sha256Base64Url(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ToBase64Url(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>True when <paramref name="value"/> only has base64url characters and at most <paramref name="maxLength"/> of them.</summary>
    public static bool IsBase64UrlText([NotNullWhen(true)] string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
