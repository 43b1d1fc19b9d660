namespace Attestation.AspNetCore;

/// <summary>One HS256 key version given in configuration (the local run's key, or keys copied by a deployment script).</summary>
public sealed class AttestationSigningKey
{
    /// <summary>The key version: the token's <c>kid</c>.</summary>
    public string Version { get; set; } = "";

    /// <summary>The secret as the backend stores it: base64 of at least 32 bytes.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Never the secret.</summary>
    public override string ToString() => $"AttestationSigningKey(version {Version})";
}
