using Attestation.Core.Attestations;
using Attestation.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Devices;

/// <summary><c>POST /api/v1/attest</c>: verify platform evidence, register the device, issue a token.</summary>
public sealed class AttestFunction(AttestationService attestations, ILogger<AttestFunction> logger)
{
    [Function(nameof(Attest))]
    public Task<IActionResult> Attest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/attest")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var body = await RequestBody.ReadAsync<AttestRequest>(request, cancellationToken);
            var token = await attestations.AttestAsync(
                new AttestCommand(body.AppId, body.Platform, body.Challenge, body.Binding, body.Evidence), cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new TokenResponse(token.Token, HttpOutcome.Rfc3339(token.ExpiresAt), token.DeviceId));
        });
}
