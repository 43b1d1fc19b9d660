using System.Diagnostics;
using Attestation.Cli.Admin;
using Attestation.Cli.Commands;

namespace Attestation.Cli;

/// <summary>
/// The command line of docs/cli.md: <c>verify KIND --option value ...</c>. Writes exactly one JSON object on stdout for a
/// verification (valid or refused) and a usage message on stderr otherwise.
/// </summary>
public static class CliApplication
{
    /// <summary>Exit status of a valid verification.</summary>
    public const int Valid = 0;

    /// <summary>Exit status of refused evidence.</summary>
    public const int Refused = 1;

    /// <summary>Exit status of a usage or input error.</summary>
    public const int UsageError = 2;

    /// <summary>Every evidence kind the tool verifies, by the name docs/cli.md gives it.</summary>
    public static IReadOnlyList<IVerifyCommand> Commands { get; } =
    [
        new AppleAppAttestCommand(),
        new AppleAssertionCommand(),
        new AppleReceiptCommand(),
        new AndroidKeyAttestationCommand(),
        new PlayIntegrityVerifyCommand(),
    ];

    /// <summary>Runs one command line and returns its exit status.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(timeProvider);

        if (args.Count >= 1 && args[0] == "admin")
        {
            return await AdminCommandLine.RunAsync([.. args.Skip(1)], stdout, stderr, AdminContext.Default, cancellationToken).ConfigureAwait(false);
        }

        if (args.Count < 2 || args[0] != "verify")
        {
            await stderr.WriteLineAsync(Usage()).ConfigureAwait(false);
            return UsageError;
        }

        var command = Commands.FirstOrDefault(c => c.Kind == args[1]);
        if (command is null)
        {
            await stderr.WriteLineAsync($"Unknown evidence kind '{args[1]}'.{Environment.NewLine}{Usage()}").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            var options = args.Skip(2).ToArray();
            var valueOptions = new HashSet<string>(command.ValueOptions, StringComparer.Ordinal) { CliArguments.RepeatOption };
            var first = CliArguments.Parse(options, valueOptions, command.RepeatableOptions, command.Flags);
            var repeat = first.Repeat();
            if (repeat is null)
            {
                var single = await command.RunAsync(first, timeProvider, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(single.ToJson()).ConfigureAwait(false);
                return single.Valid ? Valid : Refused;
            }

            // docs/cli.md: the whole command (options parsed, evidence decoded and verified, facts read, JSON written) runs
            // N times, so the rate is what one process sustains on this evidence; only the last report is printed.
            VerificationReport? report = null;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeat.Value; i++)
            {
                var arguments = CliArguments.Parse(options, valueOptions, command.RepeatableOptions, command.Flags);
                report = await command.RunAsync(arguments, timeProvider, cancellationToken).ConfigureAwait(false);
                _ = report.ToJson();
            }

            clock.Stop();
            var opsPerSecond = Math.Round(repeat.Value / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 1);
            await stdout.WriteLineAsync(report!.ToJson(repeat.Value, opsPerSecond)).ConfigureAwait(false);
            return report.Valid ? Valid : Refused;
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"attestation verify {command.Kind}: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
    }

    private static string Usage() =>
        "Usage: scripts/attestation verify KIND [options]   (see docs/cli.md)" + Environment.NewLine
        + "KIND: " + string.Join(", ", Commands.Select(c => c.Kind));
}
