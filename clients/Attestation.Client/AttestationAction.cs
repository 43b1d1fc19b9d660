namespace Attestation.Client;

/// <summary>What the app does next after a refusal: the <c>action</c> of every problem (docs/api.md, "What the app does next").</summary>
public enum AttestationAction
{
    /// <summary><c>new_challenge</c>: get a new challenge and try once more.</summary>
    NewChallenge,

    /// <summary><c>attest</c>: attest again (a refresh cannot help).</summary>
    Attest,

    /// <summary><c>new_key</c>: discard the key, generate a new one, attest.</summary>
    NewKey,

    /// <summary><c>retry_later</c>: wait for <c>Retry-After</c>, then retry with a new challenge, keeping the key.</summary>
    RetryLater,

    /// <summary><c>fix_request</c>: a bug or a configuration error; retrying cannot help.</summary>
    FixRequest,

    /// <summary><c>stop</c>: the backend refuses this device or app; the app runs without a token.</summary>
    Stop,
}

internal static class AttestationActionNames
{
    public static AttestationAction? FromWireName(string? name) => name switch
    {
        "new_challenge" => AttestationAction.NewChallenge,
        "attest" => AttestationAction.Attest,
        "new_key" => AttestationAction.NewKey,
        "retry_later" => AttestationAction.RetryLater,
        "fix_request" => AttestationAction.FixRequest,
        "stop" => AttestationAction.Stop,
        _ => null,
    };
}
