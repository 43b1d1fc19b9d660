namespace Attestation.Core.Apps;

/// <summary>What a refused attestation looks like to the caller (docs/api.md, "Failure modes").</summary>
public enum FailureMode
{
    /// <summary>The refusal is answered with its problem+json error.</summary>
    Reject,

    /// <summary>
    /// The refusal is answered with a 200 of the success shape whose token is signed by a key no verifier trusts, so an
    /// attacker probing the backend cannot tell which attempt worked. The reason is logged and counted on the server only.
    /// </summary>
    Decoy,
}
