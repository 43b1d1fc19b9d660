using Attestation.Core.Attestations;
using Attestation.Core.Tokens;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints;

/// <summary>
/// <c>POST /api/v1/verify</c>, for API backends that cannot check the token themselves. Function-level key in Azure; it is
/// not for apps.
/// </summary>
public sealed class VerifyFunction(TokenVerificationService verification, ILogger<VerifyFunction> logger)
{
    [Function(nameof(Verify))]
    public Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/verify")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var body = await RequestBody.ReadAsync<VerifyRequest>(request, cancellationToken);
            var check = await verification.VerifyAsync(body.Token, body.Binding, body.Consume, cancellationToken);
            object response = check.Token is { } token
                ? new VerifyValidResponse(true, token.AppId, token.DeviceId, token.Platform, HttpOutcome.Rfc3339(token.IssuedAt), HttpOutcome.Rfc3339(token.ExpiresAt))
                : new VerifyInvalidResponse(false, TokenValidator.ToWireName(check.Refusal!.Value));
            return ApiResult.Json(StatusCodes.Status200OK, response);
        });
}
