namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// The device labels of <c>deviceIntegrity.deviceRecognitionVerdict</c>, weakest first. A device that meets a level also
/// meets the ones below it, so a requirement is met by the label it names or any stronger one.
/// </summary>
public enum DeviceIntegrityLevel
{
    /// <summary>No label this backend counts (an empty list, or only <c>MEETS_VIRTUAL_INTEGRITY</c>).</summary>
    None = 0,

    /// <summary><c>MEETS_BASIC_INTEGRITY</c>.</summary>
    Basic = 1,

    /// <summary><c>MEETS_DEVICE_INTEGRITY</c>.</summary>
    Device = 2,

    /// <summary><c>MEETS_STRONG_INTEGRITY</c>.</summary>
    Strong = 3,
}
