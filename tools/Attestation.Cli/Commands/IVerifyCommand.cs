namespace Attestation.Cli.Commands;

/// <summary>One <c>verify KIND</c> of docs/cli.md.</summary>
public interface IVerifyCommand
{
    /// <summary>The evidence kind, as typed after <c>verify</c>.</summary>
    string Kind { get; }

    /// <summary>Options that take one value.</summary>
    IReadOnlySet<string> ValueOptions { get; }

    /// <summary>Options that take a value and may be repeated.</summary>
    IReadOnlySet<string> RepeatableOptions { get; }

    /// <summary>Switches without a value.</summary>
    IReadOnlySet<string> Flags { get; }

    /// <summary>Verifies the evidence the options name.</summary>
    /// <exception cref="CliUsageException">An option does not parse or a file cannot be read.</exception>
    Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken);
}
