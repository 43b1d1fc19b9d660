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

/// <summary>Names of <see cref="DeviceIntegrityLevel"/> in policies, the command line and verdicts.</summary>
public static class DeviceIntegrityLevels
{
    /// <summary>Reads <c>basic</c>, <c>device</c> or <c>strong</c> (policy and command-line spelling).</summary>
    public static bool TryParse(string? text, out DeviceIntegrityLevel level)
    {
        level = text switch
        {
            "basic" => DeviceIntegrityLevel.Basic,
            "device" => DeviceIntegrityLevel.Device,
            "strong" => DeviceIntegrityLevel.Strong,
            _ => DeviceIntegrityLevel.None,
        };
        return level != DeviceIntegrityLevel.None;
    }

    /// <summary>The level a verdict label stands for; <see cref="DeviceIntegrityLevel.None"/> for any other label.</summary>
    public static DeviceIntegrityLevel FromLabel(string label) => label switch
    {
        "MEETS_BASIC_INTEGRITY" => DeviceIntegrityLevel.Basic,
        "MEETS_DEVICE_INTEGRITY" => DeviceIntegrityLevel.Device,
        "MEETS_STRONG_INTEGRITY" => DeviceIntegrityLevel.Strong,
        _ => DeviceIntegrityLevel.None,
    };

    /// <summary>The label of a level, as verdicts spell it.</summary>
    public static string ToLabel(this DeviceIntegrityLevel level) => level switch
    {
        DeviceIntegrityLevel.Basic => "MEETS_BASIC_INTEGRITY",
        DeviceIntegrityLevel.Device => "MEETS_DEVICE_INTEGRITY",
        DeviceIntegrityLevel.Strong => "MEETS_STRONG_INTEGRITY",
        _ => "none",
    };
}
