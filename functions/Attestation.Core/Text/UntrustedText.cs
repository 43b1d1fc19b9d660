using System.Globalization;
using System.Text;

namespace Attestation.Core.Text;

/// <summary>
/// Makes text that may come from a request safe to put in a log line or a problem <c>detail</c>: every character that could
/// start a new line, move the cursor, recolour a terminal or reorder text (C0 and C1 controls with CR, LF and ESC, DEL,
/// U+2028 and U+2029, bidirectional overrides and other format characters, lone surrogates) becomes a visible
/// <c>\uXXXX</c>, and the result is cut to a bounded length. A forged log line therefore stays on the line it came in on.
/// Escaping is idempotent (its output holds only safe characters), so a value quoted where a detail is built and the
/// detail escaped again where it enters <see cref="Errors.AttestationException"/> read the same; the price is that the
/// six characters <c>\u000A</c> sent as such cannot be told from an escaped line feed, which forges nothing.
/// </summary>
public static class UntrustedText
{
    /// <summary>How much of one request-derived value a detail or log line quotes.</summary>
    public const int DefaultValueLength = 64;

    /// <summary>Marks text that was cut.</summary>
    public const char Ellipsis = '…';

    /// <summary>
    /// <paramref name="text"/> escaped and, when the escaped text would be longer than <paramref name="maxLength"/>
    /// characters, cut to at most that many followed by <see cref="Ellipsis"/>. Null becomes an empty string.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 6 (one escape).</exception>
    public static string Escape(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 6);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.Length <= maxLength && IsSafe(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 1);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

            // Each piece is whole: a surrogate pair is never split, nor an escape cut short.
            var piece = pair ? text.Substring(i, 2) : IsUnsafe(c) ? @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();
            if (builder.Length + piece.Length > maxLength)
            {
                return builder.Append(Ellipsis).ToString();
            }

            builder.Append(piece);
            i += pair ? 1 : 0;
        }

        return builder.ToString();
    }

    /// <summary>One request-derived value, escaped and cut to <see cref="DefaultValueLength"/> characters, to quote in a detail.</summary>
    public static string Quote(string? value) => Escape(value, DefaultValueLength);

    /// <summary>True when <paramref name="text"/> holds no character <see cref="Escape"/> would change.</summary>
    public static bool IsSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (IsUnsafe(c))
            {
                return false;
            }
        }

        return true;
    }

    // Controls (CR, LF, ESC, DEL, NEL and the rest of C0 and C1), the line and paragraph separators, format characters
    // (bidirectional overrides and isolates, zero-width joiners) and surrogates not part of a pair.
    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control
        or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Format
        or UnicodeCategory.Surrogate;
}
