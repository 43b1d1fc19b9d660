using Attestation.Core.Administration;
using Attestation.Functions.Http;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Operators;

/// <summary>
/// Debug tokens for testers: create one (the plaintext is in this response only; the app stores its SHA-256) and revoke one.
/// Every function first requires an Entra ID token with <see cref="CallerAuthorization.AdminRole"/>; creating a token also
/// needs <see cref="CallerAuthorization.DebugTokensRole"/>, revoking one does not (see <see cref="AppAdministration.RevokeDebugTokenAsync"/>).
/// </summary>
public sealed class AdminDebugTokensFunction(AppAdministration apps, CallerAuthorization callers, ILogger<AdminDebugTokensFunction> logger)
{
    [Function(nameof(AdminCreateDebugToken))]
    public Task<IActionResult> AdminCreateDebugToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/apps/{appId}/debug-tokens")] HttpRequest request,
        string appId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var debugAccess = await callers.RequireAdminAsync(request);
            var created = await apps.CreateDebugTokenAsync(appId, debugAccess, cancellationToken);
            return ApiResult.Json(StatusCodes.Status201Created, new AdminDebugTokenResponse(created.DebugToken, created.Id));
        });

    [Function(nameof(AdminRevokeDebugToken))]
    public Task<IActionResult> AdminRevokeDebugToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/admin/apps/{appId}/debug-tokens/{tokenId}")] HttpRequest request,
        string appId,
        string tokenId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            await apps.RevokeDebugTokenAsync(appId, tokenId, cancellationToken);
            return ApiResult.NoContent();
        });
}
