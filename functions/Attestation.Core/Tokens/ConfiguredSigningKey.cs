namespace Attestation.Core.Tokens;

/// <summary>A signing key written in configuration: its version (the <c>kid</c>) and base64 secret.</summary>
public sealed class ConfiguredSigningKey
{
    public string Version { get; set; } = "";

    public string Secret { get; set; } = "";

    public override string ToString() => $"ConfiguredSigningKey(version {Version})";
}
