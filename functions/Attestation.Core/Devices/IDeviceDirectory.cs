namespace Attestation.Core.Devices;

/// <summary>The listings of device registrations that administrators need (not on any hot path).</summary>
public interface IDeviceDirectory
{
    /// <summary>Every registration of <paramref name="deviceId"/>, one per app it attested for.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<IReadOnlyList<DeviceRegistration>> ListByDeviceAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="pageSize"/> devices of <paramref name="appId"/>, from <paramref name="continuation"/> on.</summary>
    /// <exception cref="Errors.AttestationException"><c>invalid_request</c>: the continuation token is not one this store issued.</exception>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<DevicePage> ListByAppAsync(string appId, int pageSize, string? continuation, CancellationToken cancellationToken = default);
}
