namespace Attestation.Azure.KeyVault;

/// <summary>One version of a Key Vault secret: its version id and its value.</summary>
public readonly record struct SecretVersion(string Version, string Value)
{
    /// <summary>Never the value: this type is logged by accident sooner or later.</summary>
    public override string ToString() => $"SecretVersion({Version})";
}
