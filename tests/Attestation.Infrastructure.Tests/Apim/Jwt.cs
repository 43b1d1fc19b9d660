namespace Attestation.Infrastructure.Tests.Apim;

// The part of API Management's policy expression context that this project's policies use, with the members and
// semantics of the documented context variable (api-management-policy-expressions, "Context variable"). Policy
// expressions from infra/policies/*.xml are compiled against these types by PolicyExpression.

/// <summary>The <c>Jwt</c> type that validate-jwt stores in its output variable.</summary>
public sealed class Jwt
{
    public Jwt(string? subject, string? issuer, IReadOnlyDictionary<string, string[]> claims)
    {
        Subject = subject;
        Issuer = issuer;
        Claims = claims;
    }

    public string? Subject { get; }

    public string? Issuer { get; }

    public IReadOnlyDictionary<string, string[]> Claims { get; }
}
