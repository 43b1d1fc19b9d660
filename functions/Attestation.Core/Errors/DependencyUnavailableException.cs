namespace Attestation.Core.Errors;

/// <summary>
/// A dependency (Table Storage, Key Vault) could not be reached or answered with a server error. Adapters translate their
/// transport failures into this type so that the HTTP layer answers 503 <c>unavailable</c> with <c>Retry-After</c>.
/// </summary>
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException(string dependency, Exception innerException)
        : base($"{dependency} is unavailable.", innerException)
    {
        Dependency = dependency;
    }

    /// <summary>
    /// The dependency is known to be unavailable for <paramref name="retryAfter"/> (a circuit breaker or a call budget), so
    /// the client is told to wait that long rather than the default delay.
    /// </summary>
    public DependencyUnavailableException(string dependency, TimeSpan retryAfter, Exception? innerException = null)
        : base($"{dependency} is unavailable.", innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        Dependency = dependency;
        RetryAfter = retryAfter;
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
        Dependency = "unknown";
    }

    public DependencyUnavailableException()
        : this("A dependency is unavailable.")
    {
    }

    /// <summary>Which dependency failed, for logs (never for the client).</summary>
    public string Dependency { get; }

    /// <summary>How long the client should wait, when known; null for the HTTP layer's default delay.</summary>
    public TimeSpan? RetryAfter { get; }
}
