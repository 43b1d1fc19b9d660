using Attestation.Core.Attestations;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Devices;

/// <summary><c>POST /api/v1/challenge</c>: a one-time challenge bound to the app.</summary>
public sealed class ChallengeFunction(AttestationService attestations, ILogger<ChallengeFunction> logger)
{
    [Function(nameof(Challenge))]
    public Task<IActionResult> Challenge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/challenge")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var body = await RequestBody.ReadAsync<ChallengeRequest>(request, cancellationToken);
            var challenge = await attestations.IssueChallengeAsync(body.AppId, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new ChallengeResponse(challenge.Value, HttpOutcome.Rfc3339(challenge.ExpiresAt)));
        });
}
