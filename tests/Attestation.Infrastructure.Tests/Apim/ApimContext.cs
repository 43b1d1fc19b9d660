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

/// <summary><c>context.LastError</c> in on-error.</summary>
public sealed record ApimLastError(string Source, string? Reason, string Message, string? PolicyId);

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

/// <summary>The documented <c>GetValueOrDefault</c> of headers and claims: comma-joined values, or the default.</summary>
public static class ApimExtensions
{
    public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> values, string name, string defaultValue)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(name, out var found) ? string.Join(",", found) : defaultValue;
    }
}
