using System.Text;
using System.Text.RegularExpressions;
using Attestation.TestSupport;

namespace Attestation.Core.Tests.Docs;

/// <summary>A guide in docs/: its worked example (table rows "| `name` | `value` |") and its fenced code by language.</summary>
internal sealed partial class GuideDocument
{
    private readonly string _file;
    private readonly Dictionary<string, string> _examples;
    private readonly string _text;

    private GuideDocument(string file, string text)
    {
        _file = file;
        _text = text;
        _examples = [];
        foreach (Match row in ExampleRow().Matches(text))
        {
            // A name given twice would make the guide ambiguous about which value the reader should expect.
            Assert.True(_examples.TryAdd(row.Groups["name"].Value, row.Groups["value"].Value), $"{file} gives `{row.Groups["name"].Value}` twice.");
        }
    }

    public static GuideDocument Load(string file) => new(file, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", file)));

    /// <summary>The value of the worked example's row <paramref name="name"/>; fails the test when the guide lacks it.</summary>
    public string Example(string name) =>
        _examples.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"{_file} has no worked example row `{name}`.");

    /// <summary>Every fenced block in <paramref name="language"/>, joined.</summary>
    public string Code(string language)
    {
        var code = new StringBuilder();
        foreach (Match block in FencedBlock().Matches(_text))
        {
            if (block.Groups["language"].Value == language)
            {
                code.Append(block.Groups["code"].Value).Append('\n');
            }
        }

        Assert.True(code.Length > 0, $"{_file} has no {language} code.");
        return code.ToString();
    }

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z][A-Za-z0-9.]*)` \| `(?<value>[^`]+)` \|$", RegexOptions.Multiline)]
    private static partial Regex ExampleRow();

    [GeneratedRegex(@"^```(?<language>[a-z]+)\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
