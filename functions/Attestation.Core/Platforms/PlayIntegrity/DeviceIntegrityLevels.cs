namespace Attestation.Core.Platforms.PlayIntegrity;

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
