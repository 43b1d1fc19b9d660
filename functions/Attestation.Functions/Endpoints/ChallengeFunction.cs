using Attestation.Core.Challenges;
using Attestation.Core.Errors;
using Attestation.Core.Policies;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints;

/// <summary><c>POST /api/v1/challenge</c>: a one-time challenge bound to the app.</summary>
public sealed class ChallengeFunction(IAppPolicyProvider policies, ChallengeService challenges, ILogger<ChallengeFunction> logger)
{
    [Function("Challenge")]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/challenge")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var body = await RequestBody.ReadAsync<ChallengeRequest>(request, cancellationToken);
            if (!AppPolicyReader.IsWellFormedAppId(body.AppId))
            {
                throw AttestationException.InvalidRequest("appId must be 1 to 128 letters, digits, '.', '-' or '_'.");
            }

            if (await policies.FindAsync(body.AppId, cancellationToken) is null)
            {
                throw new AttestationException(AttestationErrorCode.AppUnknown, "No app with this appId is registered.");
            }

            var challenge = await challenges.IssueAsync(body.AppId, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new ChallengeResponse(challenge.Value, HttpOutcome.Rfc3339(challenge.ExpiresAt)));
        });
}
