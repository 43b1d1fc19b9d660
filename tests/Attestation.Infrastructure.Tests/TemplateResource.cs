using System.Text.Json.Nodes;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests;

/// <summary>One resource of the compiled ARM template, with the template (main or a module's) that declares it.</summary>
public sealed record TemplateResource(string Type, JsonObject Node, string Module)
{
    public JsonObject? Properties => Node["properties"] as JsonObject;

    public string Name => Node["name"]?.GetValue<string>() ?? "";
}
