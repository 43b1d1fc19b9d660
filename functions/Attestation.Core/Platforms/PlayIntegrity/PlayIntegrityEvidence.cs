namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary><c>{"integrityToken": "…", "deviceKey": "…"}</c> after its shape was checked (docs/api.md).</summary>
public sealed class PlayIntegrityEvidence(string integrityToken, PlayIntegrityDeviceKey? deviceKey = null) : IAttestationEvidence
{
    /// <summary>The token as the app received it from Google Play.</summary>
    public string IntegrityToken { get; } = integrityToken;

    /// <summary>The key the token is bound to, or null when none was sent (the device then cannot refresh).</summary>
    public PlayIntegrityDeviceKey? DeviceKey { get; } = deviceKey;

    /// <summary>
    /// The key's device id when a key was sent, so that a decoy answer names the id a genuine one would; else null, and a
    /// decoy answer gets a random id, as a real attestation would.
    /// </summary>
    public string? ClaimedDeviceId => DeviceKey?.DeviceId;
}
