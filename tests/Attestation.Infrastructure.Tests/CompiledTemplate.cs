using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// infra/main.bicep compiled once with <c>bicep build --stdout</c>: the ARM JSON as text and as a tree, main and every
/// module (nested deployment) alike.
/// </summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> Shared = new(BuildAsync);

    private CompiledTemplate(BicepRun build, JsonObject root)
    {
        Build = build;
        Root = root;
        Text = build.StandardOutput;
    }

    public static string MainBicep => Path.Combine(RepositoryPaths.Root, "infra", "main.bicep");

    public BicepRun Build { get; }

    public JsonObject Root { get; }

    public string Text { get; }

    public static Task<CompiledTemplate> GetAsync() => Shared.Value;

    /// <summary>The template of the module deployed under <paramref name="deploymentName"/>, e.g. "function-app".</summary>
    public JsonObject Module(string deploymentName)
    {
        var deployment = Resources(Root).SingleOrDefault(r => r["type"]?.GetValue<string>() == "Microsoft.Resources/deployments"
            && r["name"]?.GetValue<string>() == deploymentName)
            ?? throw new InvalidOperationException($"No module deployment '{deploymentName}' in the template.");
        return deployment["properties"]!["template"]!.AsObject();
    }

    /// <summary>The template of a module deployed under <paramref name="deploymentName"/> by main or by another module.</summary>
    public JsonObject NestedModule(string deploymentName) =>
        AllResources().SingleOrDefault(r => r.Type == "Microsoft.Resources/deployments" && r.Name == deploymentName)?.Node["properties"]!["template"]!.AsObject()
            ?? throw new InvalidOperationException($"No module deployment '{deploymentName}' in the template.");

    /// <summary>The parameters main passes to the module <paramref name="deploymentName"/> (their value expressions).</summary>
    public JsonObject ModuleArguments(string deploymentName)
    {
        var deployment = Resources(Root).Single(r => r["name"]?.GetValue<string>() == deploymentName);
        return deployment["properties"]!["parameters"]!.AsObject();
    }

    /// <summary>Every resource of main and of each module.</summary>
    public IReadOnlyList<TemplateResource> AllResources()
    {
        var all = new List<TemplateResource>();
        Collect(Root, "main", all);
        return all;
    }

    public IReadOnlyList<TemplateResource> OfType(string type) =>
        AllResources().Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public TemplateResource OnlyOne(string type) => OfType(type) switch
    {
        [var only] => only,
        var many => throw new InvalidOperationException($"{many.Count} resources of type {type}, expected one."),
    };

    /// <summary>The default value of one of main.bicep's parameters.</summary>
    public JsonNode? DefaultOf(string parameter) => Root["parameters"]![parameter]!["defaultValue"];

    private static void Collect(JsonObject template, string module, List<TemplateResource> into)
    {
        foreach (var resource in Resources(template))
        {
            var type = resource["type"]!.GetValue<string>();
            into.Add(new TemplateResource(type, resource, module));
            if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, resource["name"]!.GetValue<string>(), into);
            }
        }
    }

    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    private static async Task<CompiledTemplate> BuildAsync()
    {
        var build = await BicepCli.RunAsync("build", MainBicep, "--stdout");
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({build.ExitCode}): {build.StandardError}");
        }

        return new CompiledTemplate(build, JsonNode.Parse(build.StandardOutput)!.AsObject());
    }
}
