using Attestation.Core.Administration;
using Attestation.Core.Apps;
using Attestation.Functions.Http;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Operators;

/// <summary>
/// <c>/api/v1/admin/apps</c>: list, create, read and replace app policies. Anonymous to the Functions host; every function
/// first requires an Entra ID token with <see cref="CallerAuthorization.AdminRole"/> (see <see cref="CallerAuthorization"/>);
/// a create or replace that enables the debug platform or adds a debug token also needs
/// <see cref="CallerAuthorization.DebugTokensRole"/> (<see cref="DebugAccessRight"/>).
/// </summary>
public sealed class AdminAppsFunction(AppAdministration apps, CallerAuthorization callers, ILogger<AdminAppsFunction> logger)
{
    [Function(nameof(AdminListApps))]
    public Task<IActionResult> AdminListApps(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/apps")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            var all = await apps.ListAsync(cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new AdminAppListResponse([.. all.Select(AdminApps.ToJson)]));
        });

    [Function(nameof(AdminCreateApp))]
    public Task<IActionResult> AdminCreateApp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/apps")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var debugAccess = await callers.RequireAdminAsync(request);
            var app = await RequestBody.ReadAsync<AppPolicyConfiguration>(request, AppPolicyJson.Options, cancellationToken);
            var created = await apps.CreateAsync(app, debugAccess, cancellationToken);
            return WithVersion(request, created, StatusCodes.Status201Created);
        });

    [Function(nameof(AdminGetApp))]
    public Task<IActionResult> AdminGetApp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/apps/{appId}")] HttpRequest request,
        string appId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            return WithVersion(request, await apps.GetAsync(appId, cancellationToken), StatusCodes.Status200OK);
        });

    [Function(nameof(AdminUpdateApp))]
    public Task<IActionResult> AdminUpdateApp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/admin/apps/{appId}")] HttpRequest request,
        string appId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            var debugAccess = await callers.RequireAdminAsync(request);
            var app = await RequestBody.ReadAsync<AppPolicyConfiguration>(request, AppPolicyJson.Options, cancellationToken);
            var ifMatch = request.Headers.IfMatch.ToString();
            var updated = await apps.UpdateAsync(appId, app, string.IsNullOrEmpty(ifMatch) ? null : ifMatch, debugAccess, cancellationToken);
            return WithVersion(request, updated, StatusCodes.Status200OK);
        });

    /// <summary>The app with its version as <c>ETag</c>, for a later <c>If-Match</c>.</summary>
    private static ApiResult WithVersion(HttpRequest request, AppRecord app, int status)
    {
        request.HttpContext.Response.Headers.ETag = app.ConcurrencyStamp;
        return ApiResult.Json(status, AdminApps.ToJson(app));
    }
}
