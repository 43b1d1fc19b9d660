namespace Attestation.Core.Devices;

/// <summary>Stores device registrations.</summary>
public interface IDeviceStore
{
    /// <summary>The registration of <paramref name="deviceId"/> for <paramref name="appId"/>, or null.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<DeviceRegistration?> FindAsync(string appId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Writes a new registration; false (and nothing written) when one already exists for that app and device.</summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a registration only if it has not changed since it was read (its <see cref="DeviceRegistration.ConcurrencyStamp"/>);
    /// false when another writer came first.
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task<bool> TryUpdateAsync(DeviceRegistration registration, CancellationToken cancellationToken = default);
}
