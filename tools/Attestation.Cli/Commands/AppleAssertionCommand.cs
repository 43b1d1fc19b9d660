using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Text;

namespace Attestation.Cli.Commands;

/// <summary>
/// <c>verify apple-assertion</c>: an App Attest assertion, checked by the backend's <see cref="AppleAssertionVerifier"/>
/// against a stored key and the previous counter. Facts: <c>counter</c>.
/// </summary>
public sealed class AppleAssertionCommand : IVerifyCommand
{
    public string Kind => "apple-assertion";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--assertion", "--public-key", "--app-id", "--client-data", "--client-data-hash", "--previous-counter",
    };

    public IReadOnlySet<string> RepeatableOptions { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var assertion = CliArguments.Base64("--assertion", arguments.Required("--assertion"));
        var publicKey = ApplePublicKeys.Read(arguments.Required("--public-key"));
        var appId = AppleAppIds.Require(arguments);
        var (option, value) = arguments.OneOf("--client-data", "--client-data-hash");
        var clientDataHash = option == "--client-data" ? SHA256.HashData(CliArguments.Base64(option, value)) : CliArguments.Hex(option, value);
        var previousCounter = arguments.RequiredInteger("--previous-counter");

        var facts = Facts(AppleAppAttestFactsReader.ReadAssertion(assertion));
        try
        {
            var counter = AppleAssertionVerifier.VerifyAssertion(assertion, publicKey, appId, clientDataHash, previousCounter);
            return Task.FromResult(VerificationReport.Ok($"The assertion verifies for {appId}; its counter {counter} is greater than {previousCounter}.", facts));
        }
        catch (AttestationException refused)
        {
            return Task.FromResult(VerificationReport.Refused(refused, facts));
        }
    }

    private static JsonObject Facts(AppleAssertionFacts facts) => new() { ["counter"] = facts.Counter };
}
