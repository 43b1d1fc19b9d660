using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Attestation.AspNetCore;

/// <summary>
/// The responses of a refused token: the edge's problems (infra/policies/attestation-token-problem.xml and
/// check-attestation-token-binding.xml) word for word, so an app sees one answer whichever layer checked its token.
/// </summary>
internal static class AttestationProblems
{
    public static readonly Problem Invalid = new(
        "urn:attestation:problem:attestation_token_invalid", "Attestation token refused", 401,
        "The attestation token is missing, expired or invalid. Attest again or refresh the token, then retry.", "attestation_token_invalid", "attest");

    public static readonly Problem NotBound = Invalid with { Detail = "The attestation token is not bound to this request's Authorization header." };

    public static readonly Problem Unavailable = new(
        "urn:attestation:problem:unavailable", "Service unavailable", 503,
        "The attestation token cannot be checked right now. Retry after the time in Retry-After.", "unavailable", "retry_later");

    public static Task WriteAsync(HttpResponse response, Problem problem)
    {
        response.ContentType = "application/problem+json; charset=utf-8";
        return response.WriteAsync(JsonSerializer.Serialize(problem, JsonSerializerOptions.Web));
    }

    // Action: what the app does next (docs/api.md, "What the app does next").
    internal sealed record Problem(string Type, string Title, int Status, string Detail, string Code, string Action);
}
