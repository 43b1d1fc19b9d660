namespace Attestation.Infrastructure.Tests.Apim;

// The part of API Management's policy expression context that this project's policies use, with the members and
// semantics of the documented context variable (api-management-policy-expressions, "Context variable"). Policy
// expressions from infra/policies/*.xml are compiled against these types by PolicyExpression.

/// <summary>The documented <c>GetValueOrDefault</c> of headers and claims: comma-joined values, or the default.</summary>
public static class ApimExtensions
{
    public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> values, string name, string defaultValue)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(name, out var found) ? string.Join(",", found) : defaultValue;
    }
}
