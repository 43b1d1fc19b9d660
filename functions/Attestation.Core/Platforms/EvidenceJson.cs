using System.Text.Json;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms;

/// <summary>
/// Reads fields of an <c>evidence</c> or <c>proof</c> object for the verifiers. Every shape problem, including text that
/// only fails when unescaped (a lone surrogate such as <c>"\uD800"</c>), is an <c>invalid_request</c>, never an exception.
/// </summary>
public static class EvidenceJson
{
    /// <summary>The object itself, or <c>invalid_request</c> naming <paramref name="name"/>.</summary>
    public static JsonElement RequireObject(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw AttestationException.InvalidRequest($"{name} must be a JSON object.");

    /// <summary>The string field <paramref name="field"/> of <paramref name="element"/>, 1 to <paramref name="maxLength"/> characters.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> when it is missing, not a string, not decodable or out of bounds.</exception>
    public static string RequireString(JsonElement element, string name, string field, int maxLength)
    {
        RequireObject(element, name);
        if (!element.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw AttestationException.InvalidRequest($"{name} must have a string '{field}'.");
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw AttestationException.InvalidRequest($"{name}.{field} is not valid text.");
        }

        if (text.Length == 0 || text.Length > maxLength)
        {
            throw AttestationException.InvalidRequest($"{name}.{field} must be 1 to {maxLength} characters.");
        }

        return text;
    }
}
