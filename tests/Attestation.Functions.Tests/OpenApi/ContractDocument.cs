using System.Globalization;
using System.Text.Json;
using Attestation.TestSupport;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Attestation.Functions.Tests.OpenApi;

/// <summary>
/// docs/openapi.yaml as JSON, with its schemas ready to validate bodies (OpenAPI 3.1 schemas are JSON Schema 2020-12).
/// Schemas are reached by JSON Pointer into the whole document, so every <c>$ref</c> resolves as the document means it.
/// </summary>
internal sealed class ContractDocument
{
    public static readonly string FilePath = Path.Combine(RepositoryPaths.Root, "docs", "openapi.yaml");

    private static readonly Uri BaseUri = new("https://attestation.invalid/openapi.yaml");
    private static readonly Lazy<ContractDocument> Loaded = new(() => new ContractDocument(File.ReadAllText(FilePath)));

    private readonly BuildOptions _build;

    private ContractDocument(string yaml)
    {
        Root = YamlToJson(yaml);
        var registry = new SchemaRegistry();
        registry.Register(new JsonElementBaseDocument(Root, BaseUri));
        _build = new BuildOptions { SchemaRegistry = registry };
    }

    public static ContractDocument Instance => Loaded.Value;

    public JsonElement Root { get; }

    /// <summary>Every operation as "METHOD /path" (the path under the server's <c>/api</c>).</summary>
    public IEnumerable<string> Operations =>
        from path in Root.GetProperty("paths").EnumerateObject()
        from member in path.Value.EnumerateObject()
        where member.Name is "get" or "put" or "post" or "delete" or "patch"
        select $"{member.Name.ToUpperInvariant()} {path.Name}";

    /// <summary>The operation object of "METHOD /path".</summary>
    public JsonElement Operation(string operation)
    {
        var (method, path) = Split(operation);
        Assert.True(Root.GetProperty("paths").TryGetProperty(path, out var item), $"docs/openapi.yaml has no path {path}");
        Assert.True(item.TryGetProperty(method, out var found), $"docs/openapi.yaml has no {operation}");
        return found;
    }

    /// <summary>The response object documented for <paramref name="status"/>, with its <c>$ref</c> followed, and its pointer.</summary>
    public (JsonElement Response, string Pointer) Response(string operation, int status)
    {
        var (method, path) = Split(operation);
        var pointer = $"/paths/{Escape(path)}/{method}/responses/{status.ToString(CultureInfo.InvariantCulture)}";
        var responses = Operation(operation).GetProperty("responses");
        Assert.True(
            responses.TryGetProperty(status.ToString(CultureInfo.InvariantCulture), out var response),
            $"docs/openapi.yaml does not document {status} for {operation}; it documents {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}");
        while (response.TryGetProperty("$ref", out var reference))
        {
            pointer = reference.GetString()!.TrimStart('#');
            response = Resolve(pointer);
        }

        return (response, pointer);
    }

    /// <summary>The element at a JSON Pointer of the document.</summary>
    public JsonElement Resolve(string pointer)
    {
        var element = Root;
        foreach (var segment in pointer.Split('/').Skip(1))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            Assert.True(element.TryGetProperty(name, out element), $"docs/openapi.yaml has nothing at {pointer}");
        }

        return element;
    }

    /// <summary>Validates <paramref name="instance"/> against the schema at <paramref name="pointer"/>; the errors, or none.</summary>
    public IReadOnlyList<string> Validate(string pointer, JsonElement instance)
    {
        // A pointer in a URI fragment is percent-encoded (RFC 6901, section 6): "+" and "{" appear in media types and paths.
        var fragment = string.Join("/", pointer.Split('/').Select(Uri.EscapeDataString));
        var reference = JsonSerializer.Serialize(new Dictionary<string, string> { ["$ref"] = $"{BaseUri}#{fragment}" });
        var schema = JsonSchema.FromText(reference, _build);
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
        {
            return [];
        }

        return [.. (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))];
    }

    /// <summary>A path's escaped form inside a JSON Pointer (RFC 6901: "~" as "~0", "/" as "~1").</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static (string Method, string Path) Split(string operation)
    {
        var space = operation.IndexOf(' ', StringComparison.Ordinal);
        return (operation[..space].ToLowerInvariant(), operation[(space + 1)..]);
    }

    /// <summary>
    /// YAML to JSON with the YAML 1.2 core schema's plain scalars (null, booleans, integers, floats); quoted scalars stay
    /// strings. The document uses no anchors or tags, so this is all it needs.
    /// </summary>
    private static JsonElement YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, stream.Documents.Single().RootNode);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain:
                WritePlain(writer, scalar.Value ?? "");
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
            default:
                throw new InvalidOperationException($"Unexpected YAML node {node.NodeType} at {node.Start}");
        }
    }

    private static void WritePlain(Utf8JsonWriter writer, string text)
    {
        if (text is "" or "~" or "null")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "false")
        {
            writer.WriteBooleanValue(text == "true");
        }
        else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (text.Any(char.IsDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !text.Contains(':', StringComparison.Ordinal))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }
}
