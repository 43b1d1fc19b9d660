using Attestation.Core.Health;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Platform;

/// <summary><c>GET /api/health</c>: ok when storage and the signing key are reachable, else 503 degraded.</summary>
public sealed partial class HealthFunction(IEnumerable<IDependencyHealthCheck> checks, ILogger<HealthFunction> logger)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var healthy = true;
        foreach (var check in checks)
        {
            bool answered;
            try
            {
                answered = await check.IsHealthyAsync(cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // A health probe that fails unexpectedly is a degraded dependency, not a 500.
                LogCheckFailed(check.Name, failure);
                answered = false;
            }

            if (!answered)
            {
                LogUnhealthy(check.Name);
                healthy = false;
            }
        }

        return healthy
            ? ApiResult.Json(StatusCodes.Status200OK, new HealthResponse("ok"))
            : ApiResult.Json(StatusCodes.Status503ServiceUnavailable, new HealthResponse("degraded"), HttpOutcome.RetryAfter);
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Health: {Dependency} does not answer")]
    private partial void LogUnhealthy(string dependency);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "Health: the check of {Dependency} failed unexpectedly")]
    private partial void LogCheckFailed(string dependency, Exception exception);
}
