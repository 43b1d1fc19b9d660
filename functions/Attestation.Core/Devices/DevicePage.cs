namespace Attestation.Core.Devices;

/// <summary>One page of an app's devices, with the opaque token that fetches the next page (null on the last).</summary>
public sealed record DevicePage(IReadOnlyList<DeviceRegistration> Devices, string? Continuation);
