using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attestation.Cli.Admin;

/// <summary>
/// How admin answers are shown: aligned tables for people, or the API's JSON object on one line for scripts. Every text
/// that came from the backend goes through <see cref="Safe"/>, so what a device or a proxy put in a field cannot drive
/// the terminal.
/// </summary>
public static class AdminOutput
{
    // Relaxed: the API's text stays readable (no \u escapes for '+' or non-ASCII letters); control characters are still
    // escaped by every encoder, so the line stays one line.
    private static readonly JsonSerializerOptions OneLine = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The longest text shown of one field; the API's own details stay below it.</summary>
    private const int MaxField = 1100;

    public static string Json(JsonNode node) => node.ToJsonString(OneLine);

    /// <summary>
    /// <paramref name="text"/> with control, line-breaking and direction-changing characters as <c>\uXXXX</c> (as
    /// docs/api.md quotes request text), cut at <see cref="MaxField"/> characters.
    /// </summary>
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "-";
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxField));
        foreach (var c in text)
        {
            if (builder.Length >= MaxField)
            {
                builder.Append('…');
                break;
            }

            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A field as a table cell: text as is, numbers and booleans as JSON, arrays joined, absent as <c>-</c>.</summary>
    public static string Cell(JsonNode? node) => node switch
    {
        null => "-",
        JsonArray { Count: 0 } => "-",
        JsonArray array when array.All(item => item is JsonValue) => string.Join(", ", array.Select(Raw)),
        JsonArray array => $"[{array.Count} items]",
        JsonObject => "{...}",
        _ => Raw(node),
    };

    /// <summary>Rows under headers, each column as wide as its widest cell.</summary>
    public static void Table(TextWriter writer, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var cells = rows.Select(row => row.Select(Safe).ToArray()).ToList();
        var widths = headers.Select((header, i) => Math.Max(header.Length, cells.Count == 0 ? 0 : cells.Max(row => row[i].Length))).ToArray();
        writer.WriteLine(Line(headers, widths));
        foreach (var row in cells)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    /// <summary>
    /// One object as <c>field  value</c> lines in the API's order, nested objects as <c>section.field</c>: fields the
    /// backend adds later show up without a change here.
    /// </summary>
    public static void Fields(TextWriter writer, JsonObject json, params (string Name, string Value)[] extra)
    {
        var lines = new List<(string Name, string Value)>();
        Flatten(json, "", lines);
        lines.AddRange(extra);
        var width = lines.Count == 0 ? 0 : lines.Max(line => line.Name.Length);
        foreach (var (name, value) in lines)
        {
            writer.WriteLine($"{Safe(name).PadRight(width)}  {Safe(value)}");
        }
    }

    private static void Flatten(JsonObject json, string prefix, List<(string, string)> lines)
    {
        foreach (var (name, value) in json)
        {
            if (value is JsonObject section)
            {
                Flatten(section, $"{prefix}{name}.", lines);
            }
            else
            {
                lines.Add(($"{prefix}{name}", Cell(value)));
            }
        }
    }

    private static string Raw(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : node?.ToJsonString() ?? "-";

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();
}
