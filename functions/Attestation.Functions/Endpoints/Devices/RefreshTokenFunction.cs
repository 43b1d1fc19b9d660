using Attestation.Core.Attestations;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Devices;

/// <summary><c>POST /api/v1/token/refresh</c>: a registered device proves possession of its key and gets a new token.</summary>
public sealed class RefreshTokenFunction(AttestationService attestations, ILogger<RefreshTokenFunction> logger)
{
    [Function(nameof(RefreshToken))]
    public Task<IActionResult> RefreshToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/token/refresh")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var body = await RequestBody.ReadAsync<RefreshRequest>(request, cancellationToken);
            var token = await attestations.RefreshAsync(
                new RefreshCommand(body.AppId, body.DeviceId, body.Challenge, body.Binding, body.Proof), cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new TokenResponse(token.Token, HttpOutcome.Rfc3339(token.ExpiresAt), token.DeviceId));
        });
}
