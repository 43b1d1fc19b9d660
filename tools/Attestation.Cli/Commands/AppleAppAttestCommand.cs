using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Text;

namespace Attestation.Cli.Commands;

/// <summary>
/// <c>verify apple-app-attest</c>: an App Attest attestation object, checked by the backend's <see cref="AppleAttestationVerifier"/>
/// against Apple's root only. Facts: <c>keyId</c>, <c>environment</c>, <c>counter</c>, <c>publicKey</c> (base64url SPKI DER).
/// </summary>
public sealed class AppleAppAttestCommand : IVerifyCommand
{
    public string Kind => "apple-app-attest";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--attestation-object", "--key-id", "--app-id", "--challenge", "--client-data-hash", "--at",
    };

    public IReadOnlySet<string> RepeatableOptions { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal) { "--allow-development" };

    public Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var attestationObject = CliArguments.Base64("--attestation-object", arguments.Required("--attestation-object"));
        var keyId = CliArguments.Base64("--key-id", arguments.Required("--key-id"));
        var appId = AppleAppIds.Require(arguments);
        var (option, value) = arguments.OneOf("--challenge", "--client-data-hash");

        // docs/cli.md: --challenge is the contract's challenge string, hashed as docs/api.md says; --client-data-hash gives the raw hash.
        var clientDataHash = option == "--challenge" ? SHA256.HashData(Encoding.UTF8.GetBytes(value)) : CliArguments.Hex(option, value);
        var at = arguments.At(timeProvider);

        var facts = Facts(AppleAppAttestFactsReader.ReadAttestation(attestationObject));
        try
        {
            var result = new AppleAttestationVerifier(timeProvider)
                .VerifyAttestation(attestationObject, keyId, appId, arguments.Has("--allow-development"), clientDataHash, at);
            return Task.FromResult(VerificationReport.Ok(
                $"The attestation verifies for {appId} at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({result.Environment.ToName()} environment).", facts));
        }
        catch (AttestationException refused)
        {
            return Task.FromResult(VerificationReport.Refused(refused, facts));
        }
    }

    private static JsonObject Facts(AppleAttestationFacts facts) => new()
    {
        ["keyId"] = facts.KeyId is null ? null : Base64Flexible.ToBase64Url(facts.KeyId),
        ["environment"] = facts.Environment?.ToName(),
        ["counter"] = facts.Counter,
        ["publicKey"] = facts.PublicKey is null ? null : Base64Flexible.ToBase64Url(facts.PublicKey),
    };
}
