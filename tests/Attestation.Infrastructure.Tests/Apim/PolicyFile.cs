using System.Text.RegularExpressions;
using System.Xml.Linq;
using Attestation.TestSupport;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>
/// A policy file of infra/policies, read the way API Management reads it: named value references <c>{{name}}</c> are
/// replaced by their values as text before the XML is parsed, and a reference to a named value that does not exist is
/// an error.
/// </summary>
public static partial class PolicyFile
{
    public static string Folder => Path.Combine(RepositoryPaths.Root, "infra", "policies");

    public static string Text(string fileName) => File.ReadAllText(Path.Combine(Folder, fileName));

    /// <summary>The named values a policy file refers to.</summary>
    public static IReadOnlySet<string> NamedValueReferences(string fileName) =>
        NamedValueReference().Matches(Text(fileName)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The file with its named values substituted, parsed.</summary>
    public static XElement Load(string fileName, IReadOnlyDictionary<string, string> namedValues) => Parse(Text(fileName), namedValues, fileName);

    /// <summary>A policy text (e.g. a fragment as the template would deploy it) with its named values substituted, parsed.</summary>
    public static XElement Parse(string text, IReadOnlyDictionary<string, string> namedValues, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(namedValues);
        var resolved = NamedValueReference().Replace(text, match => namedValues.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new KeyNotFoundException($"{source} refers to the named value '{match.Groups[1].Value}', which is not given."));
        return XElement.Parse(resolved, LoadOptions.PreserveWhitespace);
    }

    /// <summary>The file parsed as it is, with its named value references left in place.</summary>
    public static XElement LoadUnresolved(string fileName) => XElement.Parse(Text(fileName), LoadOptions.PreserveWhitespace);

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex NamedValueReference();
}
