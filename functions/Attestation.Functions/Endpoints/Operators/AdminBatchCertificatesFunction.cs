using System.Globalization;
using Attestation.Core.Administration;
using Attestation.Core.Errors;
using Attestation.Functions.Http;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Operators;

/// <summary>
/// Leaked-keybox detection for administrators: the factory batch certificates of Android chains and the distinct attested
/// keys counted under each. Requires an Entra ID token with <see cref="CallerAuthorization.AdminRole"/>, as every admin route.
/// </summary>
public sealed class AdminBatchCertificatesFunction(BatchCertificateAdministration batchCertificates, CallerAuthorization callers, ILogger<AdminBatchCertificatesFunction> logger)
{
    [Function(nameof(AdminListBatchCertificates))]
    public Task<IActionResult> AdminListBatchCertificates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/batch-certificates")] HttpRequest request,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            var minDevices = ReadWholeNumber(request, "minDevices", "minDevices must be a whole number of at least 1.");
            var pageSize = ReadWholeNumber(request, "pageSize", $"pageSize must be a whole number from 1 to {DeviceAdministration.MaxPageSize}.");
            var continuation = request.Query.TryGetValue("continuation", out var next) ? next.ToString() : null;
            var page = await batchCertificates.ListAsync(minDevices, pageSize is { } size ? (int)Math.Min(size, int.MaxValue) : null, continuation, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new AdminBatchCertificatePageResponse([.. page.Certificates.Select(AdminBatchCertificateResponse.From)], page.Continuation));
        });

    private static long? ReadWholeNumber(HttpRequest request, string name, string problem)
    {
        if (!request.Query.TryGetValue(name, out var value))
        {
            return null;
        }

        return long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw AttestationException.InvalidRequest(problem);
    }
}
