using Attestation.Core.Apps;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Revocation;
using Attestation.Core.Telemetry;
using Attestation.Core.Text;
using Microsoft.Extensions.Logging;

namespace Attestation.Core.Administration;

/// <summary>
/// What administrators do with devices: list an app's devices, find a device's registrations, revoke and restore one.
/// A revocation is read from the device row by every refresh and attest (AttestationService), and from the revocation log,
/// through each instance's <see cref="RevocationView"/>, by every verify (TokenVerificationService): at once on this
/// instance, within the view's refresh interval on the others.
/// </summary>
public sealed partial class DeviceAdministration(
    IAppStore apps,
    IDeviceStore devices,
    IDeviceDirectory directory,
    IRevocationLog revocations,
    RevocationView view,
    AttestationMetrics metrics,
    ILogger<DeviceAdministration> logger)
{
    /// <summary>The page size when the caller names none.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxPageSize = 1000;

    private const int MaxAttempts = 10;

    /// <summary>A page of the devices of <paramref name="appId"/>.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> (bad id, page size or continuation) or <c>app_unknown</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<DevicePage> ListAsync(string appId, int? pageSize, string? continuation, CancellationToken cancellationToken = default)
    {
        await RequireAppAsync(appId, cancellationToken).ConfigureAwait(false);
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            throw AttestationException.InvalidRequest($"pageSize must be 1 to {MaxPageSize}.");
        }

        return await directory.ListByAppAsync(appId, size, continuation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every registration of <paramref name="deviceId"/>, one per app.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> or <c>device_unknown</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached.</exception>
    public async Task<IReadOnlyList<DeviceRegistration>> FindRegistrationsAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var id = ReadDeviceId(deviceId);
        var registrations = await directory.ListByDeviceAsync(id, cancellationToken).ConfigureAwait(false);
        return registrations.Count > 0
            ? registrations
            : throw new AttestationException(AttestationErrorCode.DeviceUnknown, "No app has a registration for this device id.");
    }

    /// <summary>Sets the status of a device's registration for an app and returns the registration as stored.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c>, <c>app_unknown</c> or <c>device_unknown</c>.</exception>
    /// <exception cref="DependencyUnavailableException">Storage cannot be reached, or the record kept changing under every retry.</exception>
    public async Task<DeviceRegistration> SetStatusAsync(string appId, string deviceId, DeviceStatus status, CancellationToken cancellationToken = default)
    {
        await RequireAppAsync(appId, cancellationToken).ConfigureAwait(false);
        var id = ReadDeviceId(deviceId);
        var changed = await TrySetStatusAsync(appId, id, status, cancellationToken).ConfigureAwait(false)
            ?? throw new AttestationException(AttestationErrorCode.DeviceUnknown, "No device with this id is registered for this app.");
        LogStatusSet(appId, id, status);
        return changed;
    }

    /// <summary>
    /// Sets the status when the registration exists (null when it does not), in the device row and in the revocation log,
    /// ordered so that the log is never less strict than the row: a revocation is logged before the row is written, a
    /// restore after. Each change takes a status version above both the row's and the log's, and the log keeps the entry
    /// that supersedes (<see cref="RevocationEntry.Supersedes"/>), so of racing revokes and restores the log ends where the
    /// row ends. The row write is conditional on the version read, so a refresh that lands at the same moment cannot
    /// overwrite a revocation: the loser reads again.
    /// </summary>
    internal async Task<DeviceRegistration?> TrySetStatusAsync(string appId, string deviceId, DeviceStatus status, CancellationToken cancellationToken)
    {
        var revoke = status == DeviceStatus.Revoked;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await devices.FindAsync(appId, deviceId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return null;
            }

            var logged = await revocations.FindAsync(appId, deviceId, cancellationToken).ConfigureAwait(false);
            if (current.Status == status && (logged?.Revoked ?? false) == revoke)
            {
                if (logged is not null)
                {
                    view.Apply(logged);
                }

                return current;
            }

            // Also when the row already has the status but the log disagrees (a revocation that stopped between its two
            // writes, or one made before the log existed): the new version puts both in step.
            var entry = new RevocationEntry(appId, deviceId, revoke, Math.Max(current.StatusVersion, logged?.Version ?? 0) + 1);
            if (revoke)
            {
                view.Apply(await revocations.RecordAsync(entry, cancellationToken).ConfigureAwait(false));
            }

            if (await devices.TryUpdateAsync(current with { Status = status, StatusVersion = entry.Version }, cancellationToken).ConfigureAwait(false))
            {
                if (!revoke)
                {
                    view.Apply(await revocations.RecordAsync(entry, cancellationToken).ConfigureAwait(false));
                }

                // Counted when the row's status changes, not when the log alone is put back in step with it.
                if (current.Status != status)
                {
                    metrics.RecordDeviceRevocation(appId, revoke ? "revoke" : "restore");
                }

                return await devices.FindAsync(appId, deviceId, cancellationToken).ConfigureAwait(false) ?? current with { Status = status, StatusVersion = entry.Version };
            }
        }

        throw new DependencyUnavailableException("The device registration kept changing while its status was being set; retry.");
    }

    private async Task RequireAppAsync(string appId, CancellationToken cancellationToken)
    {
        if (!AppPolicyReader.IsWellFormedAppId(appId))
        {
            throw AttestationException.InvalidRequest("appId must be 1 to 128 letters, digits, '.', '-' or '_'.");
        }

        if (await apps.FindAsync(appId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new AttestationException(AttestationErrorCode.AppUnknown, "No app with this appId is registered.");
        }
    }

    private static string ReadDeviceId(string? deviceId)
    {
        // docs/api.md: b64 fields may come in either alphabet; the device store holds the base64url form attest returned.
        var id = deviceId is null ? null : Base64Flexible.ToUrlAlphabet(deviceId);
        return Base64Flexible.IsBase64UrlText(id, 128)
            ? id
            : throw AttestationException.InvalidRequest("deviceId must be the base64url device id returned by attest.");
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Admin: device {DeviceId} of app {AppId} set to {Status}")]
    private partial void LogStatusSet(string appId, string deviceId, DeviceStatus status);
}
