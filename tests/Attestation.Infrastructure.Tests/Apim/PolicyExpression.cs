using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attestation.Infrastructure.Tests.Apim;

/// <summary>
/// Compiles a policy expression exactly as written in a policy file (<c>@(expression)</c> or <c>@{ statements }</c>) with
/// Roslyn, at C# 7.3 (API Management's expressions are C# 7), against <see cref="ApimContext"/>, and runs it. So the tests
/// exercise the expression text that is deployed, not a hand-made copy of it. Every type the expression touches must be
/// one that API Management allows in expressions (api-management-policy-expressions, ".NET Framework types allowed in
/// policy expressions") or part of its context; anything else fails the compilation here as it would fail there.
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

        var disallowed = DisallowedTypes(compilation, tree);
        if (disallowed.Count > 0)
        {
            throw new InvalidOperationException($"The policy expression uses types API Management does not allow: {string.Join(", ", disallowed)}");
        }

        image.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(image);
        var method = assembly.GetType("PolicyExpressionBody")!.GetMethod("Evaluate", BindingFlags.Public | BindingFlags.Static)!;
        return method.CreateDelegate<Func<ApimContext, object?>>();
    }

    /// <summary>The types an expression's body uses that are neither on API Management's list nor its context.</summary>
    public static IReadOnlyList<string> DisallowedTypes(string expression)
    {
        try
        {
            Compile(expression);
            return [];
        }
        catch (InvalidOperationException e) when (e.Message.Contains("does not allow", StringComparison.Ordinal))
        {
            return [e.Message];
        }
    }

    private static List<string> DisallowedTypes(CSharpCompilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        var body = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single().Body!;
        var disallowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in body.DescendantNodes())
        {
            var type = model.GetSymbolInfo(node).Symbol switch
            {
                IMethodSymbol method => (method.ReducedFrom ?? method).ContainingType,
                IPropertySymbol property => property.ContainingType,
                IFieldSymbol field => field.ContainingType,
                INamedTypeSymbol named => named,
                _ => null,
            };
            if (type is null)
            {
                continue;
            }

            var name = type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "", StringComparison.Ordinal);
            if (!ApimAllowedTypes.Contains(name) && type.ContainingNamespace.ToDisplayString() != typeof(ApimContext).Namespace)
            {
                disallowed.Add(name);
            }
        }

        return [.. disallowed];
    }

    // The documented list, by full name (generic types with their type parameters as Roslyn displays them), plus the
    // keywords' types.
    private static readonly HashSet<string> ApimAllowedTypes = new(StringComparer.Ordinal)
    {
        "System.Array", "System.BitConverter", "bool", "byte", "char",
        "System.Collections.Generic.Dictionary<TKey, TValue>", "System.Collections.Generic.HashSet<T>",
        "System.Collections.Generic.ICollection<T>", "System.Collections.Generic.IDictionary<TKey, TValue>",
        "System.Collections.Generic.IEnumerable<T>", "System.Collections.Generic.IEnumerator<T>",
        "System.Collections.Generic.IList<T>", "System.Collections.Generic.IReadOnlyCollection<T>",
        "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>", "System.Collections.Generic.ISet<T>",
        "System.Collections.Generic.KeyValuePair<TKey, TValue>", "System.Collections.Generic.List<T>",
        "System.Collections.Generic.Queue<T>", "System.Collections.Generic.Stack<T>", "System.Convert",
        "System.DateTime", "System.DateTimeKind", "System.DateTimeOffset", "decimal", "double", "System.Exception",
        "System.Guid", "short", "int", "long", "System.IO.StringReader", "System.IO.StringWriter", "System.Linq.Enumerable",
        "System.Math", "System.MidpointRounding", "System.Net.IPAddress", "System.Net.WebUtility", "System.Nullable",
        "System.Random", "sbyte", "System.Security.Cryptography.AsymmetricAlgorithm", "System.Security.Cryptography.CipherMode",
        "System.Security.Cryptography.HashAlgorithm", "System.Security.Cryptography.HashAlgorithmName",
        "System.Security.Cryptography.HMAC", "System.Security.Cryptography.HMACMD5", "System.Security.Cryptography.HMACSHA1",
        "System.Security.Cryptography.HMACSHA256", "System.Security.Cryptography.HMACSHA384", "System.Security.Cryptography.HMACSHA512",
        "System.Security.Cryptography.KeyedHashAlgorithm", "System.Security.Cryptography.MD5", "System.Security.Cryptography.Oid",
        "System.Security.Cryptography.PaddingMode", "System.Security.Cryptography.RNGCryptoServiceProvider",
        "System.Security.Cryptography.RSA", "System.Security.Cryptography.RSAEncryptionPadding",
        "System.Security.Cryptography.RSASignaturePadding", "System.Security.Cryptography.SHA1",
        "System.Security.Cryptography.SHA1Managed", "System.Security.Cryptography.SHA256",
        "System.Security.Cryptography.SHA256Managed", "System.Security.Cryptography.SHA384",
        "System.Security.Cryptography.SHA384Managed", "System.Security.Cryptography.SHA512",
        "System.Security.Cryptography.SHA512Managed", "System.Security.Cryptography.SymmetricAlgorithm", "float", "string",
        "System.StringComparer", "System.StringComparison", "System.StringSplitOptions", "System.Text.Encoding",
        "System.Text.RegularExpressions.Capture", "System.Text.RegularExpressions.CaptureCollection",
        "System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.GroupCollection",
        "System.Text.RegularExpressions.Match", "System.Text.RegularExpressions.Regex",
        "System.Text.RegularExpressions.RegexOptions", "System.Text.StringBuilder", "System.TimeSpan", "System.TimeZoneInfo",
        "System.Tuple", "ushort", "uint", "ulong", "System.Uri", "System.UriPartial",
    };
}
