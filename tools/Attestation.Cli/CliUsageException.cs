namespace Attestation.Cli;

/// <summary>A command line that cannot run: an option that does not parse or a file that cannot be read (exit status 2).</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
