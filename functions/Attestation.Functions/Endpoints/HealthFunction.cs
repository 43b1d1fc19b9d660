using Attestation.Azure.Tables;
using Attestation.Core.Errors;
using Attestation.Core.Tokens;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Attestation.Functions.Endpoints;

/// <summary><c>GET /api/health</c>: ok when storage and the signing key are reachable, else 503 degraded.</summary>
public sealed class HealthFunction(TableStorageHealthCheck storage, ISigningKeyProvider signingKeys)
{
    [Function("Health")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var healthy = await storage.IsHealthyAsync(cancellationToken) && await SigningKeyAvailableAsync(cancellationToken);
        return healthy
            ? ApiResult.Json(StatusCodes.Status200OK, new HealthResponse("ok"))
            : ApiResult.Json(StatusCodes.Status503ServiceUnavailable, new HealthResponse("degraded"), HttpOutcome.RetryAfter);
    }

    private async Task<bool> SigningKeyAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await signingKeys.GetKeysAsync(cancellationToken);
            return true;
        }
        catch (DependencyUnavailableException)
        {
            return false;
        }
    }
}
