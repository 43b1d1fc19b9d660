namespace Attestation.Core.Platforms;

/// <summary>What a verified attestation establishes.</summary>
/// <param name="DeviceId">The device id of docs/api.md for this platform.</param>
/// <param name="PublicKey">The attested key (SubjectPublicKeyInfo DER), or null.</param>
/// <param name="Counter">The starting signature counter.</param>
/// <param name="VerdictSummary">A short non-secret description stored with the registration.</param>
/// <param name="AllowsReattestation">
/// True when the same device id may attest again (debug tokens, which are reused by design). False for hardware keys: a key
/// id that was ever registered is never registered again.
/// </param>
/// <param name="Receipt">Evidence kept for later risk checks (the App Attest receipt), or null.</param>
/// <param name="AttestedFacts">
/// What the platform's refresh verifier re-checks at every refresh (issue 16, finding 3): the facts the app's policy and the
/// platform's revocation data apply to, in a form only the platform reads, stored with the registration; null when the
/// platform needs none.
/// </param>
public sealed record AttestationVerdict(string DeviceId, byte[]? PublicKey, long Counter, string VerdictSummary, bool AllowsReattestation, byte[]? Receipt = null, string? AttestedFacts = null)
{
    /// <summary>
    /// A last check of a verified attestation that needs the app's id and storage (Android's batch certificate count), run
    /// by the attest flow before the device is registered: its refusals are the verifier's, hidden by decoy mode as those
    /// are. Null when the platform has none, so that other platforms spend no storage call on it.
    /// </summary>
    public Func<string, CancellationToken, Task>? AdmitAsync { get; init; }
}
