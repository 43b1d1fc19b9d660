using Attestation.Core.Attestations;
using Attestation.Core.Tokens;
using Attestation.Functions.Http;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Apis;

/// <summary>
/// <c>POST /api/v1/verify</c>, for API backends that cannot check the token themselves; it is not for apps. It takes a
/// verify key (sent as a function key) or an Entra ID token with the app role <see cref="CallerAuthorization.VerifyRole"/>.
/// The Functions host cannot express "key OR token" (it would refuse every token-only caller before the worker saw the
/// request), so the route is Anonymous to the host and <see cref="CallerAuthorization"/> checks both, here and locally alike.
/// </summary>
public sealed class VerifyFunction(TokenVerificationService verification, CallerAuthorization callers, ILogger<VerifyFunction> logger)
{
    [Function(nameof(Verify))]
    public Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/verify")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireVerifierAsync(request);
            var body = await RequestBody.ReadAsync<VerifyRequest>(request, cancellationToken);
            var scope = TokenScope.Create(body.AppId, body.Platforms);
            var check = await verification.VerifyAsync(body.Token, body.Binding, body.Consume, scope, cancellationToken);
            object response = check.Token is { } token
                ? new VerifyValidResponse(true, token.AppId, token.DeviceId, token.Platform, HttpOutcome.Rfc3339(token.IssuedAt), HttpOutcome.Rfc3339(token.ExpiresAt))
                : new VerifyInvalidResponse(false, TokenValidator.ToWireName(check.Refusal!.Value));
            return ApiResult.Json(StatusCodes.Status200OK, response);
        });
}
