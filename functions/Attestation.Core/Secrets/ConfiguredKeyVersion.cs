namespace Attestation.Core.Secrets;

/// <summary>One version of a rotated key written in configuration (the local run): its version name and base64 secret.</summary>
public sealed class ConfiguredKeyVersion
{
    public string Version { get; set; } = "";

    public string Secret { get; set; } = "";

    public override string ToString() => $"ConfiguredKeyVersion(version {Version})";
}
