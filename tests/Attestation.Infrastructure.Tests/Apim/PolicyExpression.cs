using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>
/// Compiles a policy expression exactly as written in a policy file (<c>@(expression)</c> or <c>@{ statements }</c>) with
/// Roslyn, at C# 7.3 (API Management's expressions are C# 7), against <see cref="ApimContext"/>, and runs it. So the tests
/// exercise the expression text that is deployed, not a hand-made copy of it.
/// </summary>
public static class PolicyExpression
{
    private static readonly ConcurrentDictionary<string, Lazy<Func<ApimContext, object?>>> Compiled = new(StringComparer.Ordinal);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(ApimContext).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    public static object? Evaluate(string expression, ApimContext context)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return Compiled.GetOrAdd(expression.Trim(), text => new Lazy<Func<ApimContext, object?>>(() => Compile(text))).Value(context);
    }

    public static T Evaluate<T>(string expression, ApimContext context) => (T)Evaluate(expression, context)!;

    private static Func<ApimContext, object?> Compile(string expression)
    {
        string body;
        if (expression.StartsWith("@(", StringComparison.Ordinal) && expression.EndsWith(')'))
        {
            body = $"return {expression[2..^1]};";
        }
        else if (expression.StartsWith("@{", StringComparison.Ordinal) && expression.EndsWith('}'))
        {
            body = expression[2..^1];
        }
        else
        {
            throw new ArgumentException($"Not a policy expression: {expression}", nameof(expression));
        }

        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Text;
            using System.Text.RegularExpressions;
            using Attestation.Infrastructure.Tests.Apim;

            public static class PolicyExpressionBody
            {
                public static object Evaluate(ApimContext context)
                {
            {{body}}
                }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp7_3));
        var compilation = CSharpCompilation.Create(
            $"PolicyExpression{Guid.NewGuid():N}",
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            throw new InvalidOperationException($"The policy expression does not compile:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);
        var method = assembly.GetType("PolicyExpressionBody")!.GetMethod("Evaluate", BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<Func<ApimContext, object?>>();
    }
}
