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

    /// <summary>
    /// Sends what <see cref="TryUpdateAsync"/> sends for <paramref name="deviceId"/>, conditional on a version no registration
    /// ever has, so that it changes nothing: a decoy answer then costs the storage round trip that a genuine answer's write
    /// costs, and a caller timing answers cannot tell them apart by that write (docs/security.md).
    /// </summary>
    /// <exception cref="Errors.DependencyUnavailableException">The store cannot be reached.</exception>
    Task ImitateUpdateAsync(string appId, string deviceId, CancellationToken cancellationToken = default);
}
