namespace Attestation.Core.Platforms;

/// <summary>The evidence of an attest request after its shape was checked, as one platform's verifier reads it.</summary>
public interface IAttestationEvidence
{
    /// <summary>
    /// The device id the evidence claims, when it can be derived without verifying anything; decoy answers use it so that a
    /// refused caller sees the id it would have got. Null where no id can be derived (a random one is used then).
    /// </summary>
    string? ClaimedDeviceId { get; }
}
