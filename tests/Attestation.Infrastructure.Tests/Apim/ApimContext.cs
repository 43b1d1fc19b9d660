namespace Attestation.Infrastructure.Tests.Apim;

// The part of API Management's policy expression context that this project's policies use, with the members and
// semantics of the documented context variable (api-management-policy-expressions, "Context variable"). Policy
// expressions from infra/policies/*.xml are compiled against these types by PolicyExpression.

/// <summary>The implicit <c>context</c> of a policy expression.</summary>
public sealed class ApimContext
{
    public ApimContext(ApimRequest request, IReadOnlyDictionary<string, object>? variables = null, ApimLastError? lastError = null)
    {
        Request = request;
        Variables = variables ?? new Dictionary<string, object>(StringComparer.Ordinal);
        LastError = lastError;
    }

    public ApimRequest Request { get; }

    public IReadOnlyDictionary<string, object> Variables { get; }

    public ApimLastError? LastError { get; }
}
