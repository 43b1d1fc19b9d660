namespace Attestation.Infrastructure.Tests.Apim;

// The part of API Management's policy expression context that this project's policies use, with the members and
// semantics of the documented context variable (api-management-policy-expressions, "Context variable"). Policy
// expressions from infra/policies/*.xml are compiled against these types by PolicyExpression.

/// <summary><c>context.LastError</c> in on-error.</summary>
public sealed record ApimLastError(string Source, string? Reason, string Message, string? PolicyId);
