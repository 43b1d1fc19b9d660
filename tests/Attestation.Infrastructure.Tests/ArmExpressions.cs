using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Just enough reading of ARM template expressions for the assertions: which variables an expression reads, what they
/// hold (followed through other variables), and which parameter it passes on.
/// </summary>
public static partial class ArmExpressions
{
    /// <summary>Every string literal reachable from <paramref name="expression"/> through the template's variables.</summary>
    public static IReadOnlySet<string> LiteralsReachable(JsonObject template, string expression)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Collect(template, expression, found, depth: 0);
        return found;
    }

    /// <summary>The role definition GUIDs that a roleAssignments resource may assign.</summary>
    public static IReadOnlySet<string> RoleGuids(JsonObject template, TemplateResource assignment)
    {
        var expression = assignment.Properties!["roleDefinitionId"]!.GetValue<string>();
        return LiteralsReachable(template, expression).Where(l => Guid.TryParse(l, out _)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The name of the parameter an expression such as <c>[parameters('x')]</c> reads, or null.</summary>
    public static string? ParameterName(string expression)
    {
        var match = ParameterReference().Match(expression);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static void Collect(JsonObject template, string text, HashSet<string> found, int depth)
    {
        if (depth > 10)
        {
            return;
        }

        if (!text.StartsWith('['))
        {
            found.Add(text);
            return;
        }

        foreach (Match literal in StringLiteral().Matches(text))
        {
            found.Add(literal.Groups[1].Value);
        }

        foreach (Match reference in VariableReference().Matches(text))
        {
            switch (template["variables"]?[reference.Groups[1].Value])
            {
                case JsonValue value when value.TryGetValue<string>(out var s):
                    Collect(template, s, found, depth + 1);
                    break;
                case JsonArray array:
                    foreach (var item in array.OfType<JsonValue>())
                    {
                        Collect(template, item.GetValue<string>(), found, depth + 1);
                    }

                    break;
                default:
                    break;
            }
        }
    }

    [GeneratedRegex(@"variables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex StringLiteral();
}
