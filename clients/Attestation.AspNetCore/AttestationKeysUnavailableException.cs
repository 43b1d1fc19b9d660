namespace Attestation.AspNetCore;

/// <summary>The keys cannot be read and none young enough are cached: tokens are refused with 503 until the source answers.</summary>
public sealed class AttestationKeysUnavailableException : Exception
{
    public AttestationKeysUnavailableException()
    {
    }

    public AttestationKeysUnavailableException(string message)
        : base(message)
    {
    }

    public AttestationKeysUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
