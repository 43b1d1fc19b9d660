namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary><c>{"integrityToken": "…"}</c> after its shape was checked (docs/api.md).</summary>
public sealed class PlayIntegrityEvidence(string integrityToken) : IAttestationEvidence
{
    /// <summary>The token as the app received it from Google Play.</summary>
    public string IntegrityToken { get; } = integrityToken;

    /// <summary>No id can be derived without verifying; a decoy answer gets a random one, as a real attestation would.</summary>
    public string? ClaimedDeviceId => null;
}
