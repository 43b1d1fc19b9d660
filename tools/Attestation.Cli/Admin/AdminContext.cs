using Azure.Core;
using Azure.Identity;

namespace Attestation.Cli.Admin;

/// <summary>
/// What an <c>admin</c> command reads from outside its arguments: standard input (<c>--file -</c>), the environment
/// (<see cref="AdminCommandLine.ScopeVariable"/>, <see cref="AdminCommandLine.TokenVariable"/>) and the credential that
/// gets a token when none is given.
/// </summary>
public sealed class AdminContext
{
    /// <summary>The context of the real tool: the console, the process environment, the Azure CLI's signed-in user.</summary>
    public static AdminContext Default { get; } = new(
        Console.In,
        System.Environment.GetEnvironmentVariable,
        static () => new AzureCliCredential(new AzureCliCredentialOptions { ProcessTimeout = TimeSpan.FromSeconds(30) }));

    public AdminContext(TextReader standardInput, Func<string, string?> environment, Func<TokenCredential> credential)
    {
        ArgumentNullException.ThrowIfNull(standardInput);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(credential);
        StandardInput = standardInput;
        Environment = environment;
        Credential = credential;
    }

    public TextReader StandardInput { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>Made only when a token must be fetched, so <c>--token</c> never starts the Azure CLI.</summary>
    public Func<TokenCredential> Credential { get; }
}
