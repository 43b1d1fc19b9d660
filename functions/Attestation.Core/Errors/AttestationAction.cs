namespace Attestation.Core.Errors;

/// <summary>
/// What the app does next after a refusal (docs/api.md, "What the app does next"). Every problem carries one, so that a client
/// recovers by a fixed rule instead of parsing free text.
/// </summary>
public enum AttestationAction
{
    /// <summary>Get a new challenge and try once more.</summary>
    NewChallenge,

    /// <summary>Attest again (App Attest: with a new key if this key was already attested).</summary>
    Attest,

    /// <summary>Discard the key, generate a new one, attest.</summary>
    NewKey,

    /// <summary>Wait for <c>Retry-After</c> (with jitter), then retry with a new challenge; keep the key.</summary>
    RetryLater,

    /// <summary>A bug or a configuration error: do not retry.</summary>
    FixRequest,

    /// <summary>Do not retry; the app runs without a token.</summary>
    Stop,
}
