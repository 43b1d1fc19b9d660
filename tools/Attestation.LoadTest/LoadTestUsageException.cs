namespace Attestation.LoadTest;

/// <summary>A command line the load test cannot run: the message says which option is wrong and why.</summary>
public sealed class LoadTestUsageException : Exception
{
    public LoadTestUsageException()
    {
    }

    public LoadTestUsageException(string message)
        : base(message)
    {
    }

    public LoadTestUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
