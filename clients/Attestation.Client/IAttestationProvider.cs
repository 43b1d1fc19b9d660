namespace Attestation.Client;

/// <summary>
/// One platform's part of the protocol: it holds the device key (or the platform's equivalent) and produces evidence and
/// proofs over the backend's challenges. The token source calls it one operation at a time, never concurrently.
/// </summary>
/// <remarks>
/// The guides show the App Attest, Android key attestation and Play Integrity providers, which need Apple's or Google's
/// SDKs; this library ships <see cref="DebugAttestationProvider"/>. <see cref="ChallengeBytes"/> says where a challenge goes.
/// </remarks>
public interface IAttestationProvider
{
    /// <summary>The platform's wire name (<see cref="Platforms"/>).</summary>
    string Platform { get; }

    /// <summary>
    /// Produces the key if there is none yet (or reuses it) and attests it over <paramref name="challenge"/>.
    /// </summary>
    Task<AttestationEvidence> AttestAsync(string challenge, CancellationToken cancellationToken);

    /// <summary>
    /// Proves possession of the key registered as <paramref name="deviceId"/> over <paramref name="challenge"/>, or returns
    /// null when this device cannot refresh (Play Integrity without a device key, or a key that is gone): the token source
    /// then attests instead.
    /// </summary>
    Task<RefreshProof?> ProveAsync(string deviceId, string challenge, CancellationToken cancellationToken);

    /// <summary>Discards the key, so that the next <see cref="AttestAsync"/> generates a new one (action <c>new_key</c>).</summary>
    Task ResetKeyAsync(CancellationToken cancellationToken);
}
