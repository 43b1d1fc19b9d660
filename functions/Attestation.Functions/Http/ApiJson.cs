using System.Text.Json;
using System.Text.Json.Serialization;

namespace Attestation.Functions.Http;

/// <summary>The JSON settings of the wire contract: camelCase, strict types, nullable annotations respected.</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 32,

        // Two values for one field would let a proxy and the backend read different requests; refuse them.
        AllowDuplicateProperties = false,
    };
}
