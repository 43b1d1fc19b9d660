namespace Attestation.Infrastructure.Tests.Apim;

// The part of API Management's policy expression context that this project's policies use, with the members and
// semantics of the documented context variable (api-management-policy-expressions, "Context variable"). Policy
// expressions from infra/policies/*.xml are compiled against these types by PolicyExpression.

/// <summary><c>context.Request</c>: headers are matched case-insensitively, as HTTP header names are.</summary>
public sealed class ApimRequest
{
    public ApimRequest(IReadOnlyDictionary<string, string[]> headers, string ipAddress = "203.0.113.7")
    {
        Headers = new Dictionary<string, string[]>(headers, StringComparer.OrdinalIgnoreCase);
        IpAddress = ipAddress;
    }

    public IReadOnlyDictionary<string, string[]> Headers { get; }

    public string IpAddress { get; }
}
