using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Apps;

/// <summary>
/// The one JSON form of an <see cref="AppPolicyConfiguration"/>: what the app registry stores in its JSON column and what
/// the admin API reads and writes. camelCase names of the configuration keys (<c>appId</c>, <c>platforms</c>,
/// <c>apple.teamId</c>, ...). Collections without setters are filled in place, and an unknown field is refused, so that a
/// misspelt setting is a 400 rather than a policy silently weaker than intended.
/// </summary>
public static class AppPolicyJson
{
    /// <summary>The serializer settings of the format.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
    };

    /// <summary>The JSON text of <paramref name="app"/>.</summary>
    public static string Serialize(AppPolicyConfiguration app) => JsonSerializer.Serialize(app, Options);

    /// <summary>Reads an app from <paramref name="json"/>.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c>: not JSON, or not the shape of an app policy.</exception>
    public static AppPolicyConfiguration Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<AppPolicyConfiguration>(json, Options)
                ?? throw AttestationException.InvalidRequest("An app policy must be a JSON object, not null.");
        }
        catch (JsonException malformed)
        {
            // The path holds the body's property names: quoted short and escaped.
            var where = string.IsNullOrEmpty(malformed.Path) || malformed.Path == "$" ? "" : $" at {UntrustedText.Quote(malformed.Path)}";
            throw AttestationException.InvalidRequest($"The app policy is not valid JSON for an app{where}: a field is unknown, has the wrong type, or the JSON is malformed.");
        }
    }
}
