using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Attestation.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of a <c>local.settings.json</c> as <c>func start</c> does: each becomes a setting, with
/// <c>__</c> as the section separator. Environment variables and command-line arguments override them.
/// </summary>
public static class LocalSettings
{
    /// <summary>The settings file to use: <c>local.settings.json</c> at the repository root, else the committed sample.</summary>
    public static string? Locate(string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        foreach (var name in new[] { "local.settings.json", "local.settings.sample.json" })
        {
            var path = Path.Combine(repositoryRoot, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Reads the <c>Values</c> object of <paramref name="path"/> into configuration keys.</summary>
    /// <exception cref="InvalidDataException">The file has no <c>Values</c> object or a value is not a string, number or bool.</exception>
    public static Dictionary<string, string?> ReadValues(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"Values\" object.");
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values.EnumerateObject())
        {
            settings[value.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value.Value.ValueKind switch
            {
                JsonValueKind.String => value.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.Value.GetRawText(),
                _ => throw new InvalidDataException($"{path}: Values.{value.Name} must be a string, number or boolean."),
            };
        }

        return settings;
    }

    /// <summary>Walks up from <paramref name="start"/> to the folder holding <c>Serverless.sln</c>.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
