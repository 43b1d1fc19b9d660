using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// What infra/main.bicep would deploy for a set of parameters, evaluated offline by <c>bicep snapshot</c>: every resource
/// of main and its modules with conditions applied and every expression that does not need a deployed resource worked out
/// (names, policy texts, the values a module puts into a fragment). So the tests read the policy XML that would reach API
/// Management, not the template's expressions for it.
/// </summary>
public sealed class TemplateSnapshot
{
    private const string SubscriptionId = "00000000-0000-0000-0000-000000000001";

    private static readonly ConcurrentDictionary<string, Lazy<Task<TemplateSnapshot>>> Cache = new(StringComparer.Ordinal);

    private TemplateSnapshot(JsonObject root)
    {
        Resources = root["predictedResources"]!.AsArray().OfType<JsonObject>().ToList();
        Outputs = root["outputs"] as JsonObject ?? [];
    }

    public IReadOnlyList<JsonObject> Resources { get; }

    public JsonObject Outputs { get; }

    /// <summary>
    /// The snapshot for an environment "snap" in westeurope with the given parameters (Bicep literals, e.g. "true" or
    /// "'a,b'") on top of the template's defaults; the second pass (signingSecretReady true) unless told otherwise.
    /// </summary>
    public static Task<TemplateSnapshot> GetAsync(params (string Name, string Literal)[] parameters)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["environmentName"] = "'snap'",
            ["location"] = "'westeurope'",
            ["signingSecretReady"] = "true",
        };
        foreach (var (name, literal) in parameters)
        {
            all[name] = literal;
        }

        var key = string.Join(";", all.Select(p => $"{p.Key}={p.Value}"));
        return Cache.GetOrAdd(key, _ => new Lazy<Task<TemplateSnapshot>>(() => TakeAsync(all))).Value;
    }

    /// <summary>Runs <c>bicep snapshot</c> and returns its exit code and output, for parameter sets it should refuse.</summary>
    public static async Task<BicepRun> TryAsync(params (string Name, string Literal)[] parameters)
    {
        var folder = Directory.CreateTempSubdirectory("bicep-snapshot-");
        try
        {
            return await RunAsync(folder.FullName, parameters.ToDictionary(p => p.Name, p => p.Literal, StringComparer.Ordinal)).ConfigureAwait(false);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(r["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The resource of <paramref name="type"/> whose name ends with "/<paramref name="childName"/>", or null.</summary>
    public JsonObject? Find(string type, string childName) =>
        OfType(type).SingleOrDefault(r => r["name"]!.GetValue<string>().EndsWith($"/{childName}", StringComparison.Ordinal));

    /// <summary>The value of a policy fragment or an API's policy as it would be deployed, or null when it is not.</summary>
    public string? PolicyText(string type, string childName) => Find(type, childName)?["properties"]?["value"]?.GetValue<string>();

    /// <summary>The plain named values API Management would hold, by name.</summary>
    public IReadOnlyDictionary<string, string> PlainNamedValues() =>
        OfType("Microsoft.ApiManagement/service/namedValues")
            .Where(v => v["properties"]!["value"] is not null)
            .ToDictionary(v => v["properties"]!["displayName"]!.GetValue<string>(), v => v["properties"]!["value"]!.GetValue<string>(), StringComparer.Ordinal);

    private static async Task<TemplateSnapshot> TakeAsync(IReadOnlyDictionary<string, string> parameters)
    {
        var folder = Directory.CreateTempSubdirectory("bicep-snapshot-");
        try
        {
            var run = await RunAsync(folder.FullName, parameters).ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"bicep snapshot failed ({run.ExitCode}): {run.StandardOutput}{run.StandardError}");
            }

            var text = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "main.snapshot.json")).ConfigureAwait(false);
            return new TemplateSnapshot(JsonNode.Parse(text)!.AsObject());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<BicepRun> RunAsync(string folder, IReadOnlyDictionary<string, string> parameters)
    {
        // A parameters file must name its template by a relative path.
        var usingPath = Path.GetRelativePath(folder, CompiledTemplate.MainBicep).Replace('\\', '/');
        var file = new StringBuilder().Append(CultureInfo.InvariantCulture, $"using '{usingPath}'\n");
        foreach (var (name, literal) in parameters)
        {
            file.Append(CultureInfo.InvariantCulture, $"param {name} = {literal}\n");
        }

        var path = Path.Combine(folder, "main.bicepparam");
        await File.WriteAllTextAsync(path, file.ToString()).ConfigureAwait(false);
        return await BicepCli.RunAsync(
            "snapshot", path, "--mode", "overwrite", "--subscription-id", SubscriptionId,
            "--tenant-id", "00000000-0000-0000-0000-000000000002", "--location", "westeurope", "--deployment-name", "main").ConfigureAwait(false);
    }
}
