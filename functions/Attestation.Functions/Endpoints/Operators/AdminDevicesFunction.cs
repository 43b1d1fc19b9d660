using System.Globalization;
using Attestation.Core.Administration;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Functions.Http;
using Attestation.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Attestation.Functions.Endpoints.Operators;

/// <summary>
/// Devices for administrators: an app's devices (paged), a device's registrations across apps, revoke and restore.
/// Every function first requires an Entra ID token with <see cref="CallerAuthorization.AdminRole"/>.
/// </summary>
public sealed class AdminDevicesFunction(DeviceAdministration devices, CallerAuthorization callers, ILogger<AdminDevicesFunction> logger)
{
    [Function(nameof(AdminListAppDevices))]
    public Task<IActionResult> AdminListAppDevices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/apps/{appId}/devices")] HttpRequest request,
        string appId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            int? pageSize = null;
            if (request.Query.TryGetValue("pageSize", out var size))
            {
                pageSize = int.TryParse(size.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw AttestationException.InvalidRequest($"pageSize must be a whole number from 1 to {DeviceAdministration.MaxPageSize}.");
            }

            var continuation = request.Query.TryGetValue("continuation", out var next) ? next.ToString() : null;
            var page = await devices.ListAsync(appId, pageSize, continuation, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new AdminDevicePageResponse([.. page.Devices.Select(AdminDeviceResponse.From)], page.Continuation));
        });

    [Function(nameof(AdminGetDeviceRegistrations))]
    public Task<IActionResult> AdminGetDeviceRegistrations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/admin/devices/{deviceId}")] HttpRequest request,
        string deviceId,
        CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            var registrations = await devices.FindRegistrationsAsync(deviceId, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, new AdminDeviceRegistrationsResponse(registrations[0].DeviceId, [.. registrations.Select(AdminDeviceResponse.From)]));
        });

    [Function(nameof(AdminRevokeDevice))]
    public Task<IActionResult> AdminRevokeDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/apps/{appId}/devices/{deviceId}/revoke")] HttpRequest request,
        string appId,
        string deviceId,
        CancellationToken cancellationToken) =>
        SetStatusAsync(request, appId, deviceId, DeviceStatus.Revoked, cancellationToken);

    [Function(nameof(AdminRestoreDevice))]
    public Task<IActionResult> AdminRestoreDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/admin/apps/{appId}/devices/{deviceId}/restore")] HttpRequest request,
        string appId,
        string deviceId,
        CancellationToken cancellationToken) =>
        SetStatusAsync(request, appId, deviceId, DeviceStatus.Active, cancellationToken);

    private Task<IActionResult> SetStatusAsync(HttpRequest request, string appId, string deviceId, DeviceStatus status, CancellationToken cancellationToken) =>
        HttpOutcome.RunAsync(logger, async () =>
        {
            await callers.RequireAdminAsync(request);
            var device = await devices.SetStatusAsync(appId, deviceId, status, cancellationToken);
            return ApiResult.Json(StatusCodes.Status200OK, AdminDeviceResponse.From(device));
        });
}
