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
}
