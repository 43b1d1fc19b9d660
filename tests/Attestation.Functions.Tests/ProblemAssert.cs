using System.Net;
using System.Text.Json;

namespace Attestation.Functions.Tests;

/// <summary>Checks an RFC 9457 problem response of the contract.</summary>
internal static class ProblemAssert
{
    /// <summary>
    /// The action each code carries unless the refusal names another (docs/api.md, "What the app does next"), written out
    /// here from the contract rather than read from the code under test.
    /// </summary>
    private static readonly Dictionary<string, string> ContractActions = new(StringComparer.Ordinal)
    {
        ["challenge_invalid"] = "new_challenge",
        ["device_unknown"] = "attest",
        ["refresh_unsupported"] = "attest",
        ["attestation_required"] = "attest",
        ["proof_invalid"] = "attest",
        ["unavailable"] = "retry_later",
        ["invalid_request"] = "fix_request",
        ["app_unknown"] = "fix_request",
        ["app_exists"] = "fix_request",
        ["app_changed"] = "fix_request",
        ["debug_token_unknown"] = "fix_request",
        ["unauthenticated"] = "fix_request",
        ["forbidden"] = "fix_request",
        ["not_found"] = "fix_request",
        ["attestation_invalid"] = "stop",
        ["policy_violation"] = "stop",
        ["device_revoked"] = "stop",
    };

    /// <param name="action">The action expected when the refusal names another than its code's (a key registered twice, a lost race).</param>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? action = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(action ?? ContractActions[code], problem.GetProperty("action").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }
}
