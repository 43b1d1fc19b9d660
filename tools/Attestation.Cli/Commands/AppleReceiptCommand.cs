using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms.Apple.Receipts;

namespace Attestation.Cli.Commands;

/// <summary>
/// <c>verify apple-receipt</c>: an App Attest receipt (from an attestation object, or one Apple's server returned), checked
/// by the backend's <see cref="AppleReceiptVerifier"/> as of its own creation time unless <c>--at</c> says otherwise.
/// Facts: <c>type</c>, <c>appId</c>, <c>creationTime</c>, <c>notBefore</c>, <c>expirationTime</c>, <c>riskMetric</c>,
/// <c>publicKeySha256</c> (hex SHA-256 of the attested key's SubjectPublicKeyInfo DER).
/// </summary>
public sealed class AppleReceiptCommand : IVerifyCommand
{
    // One verifier for the process, as the backend holds one: its chain memory is what --repeat measures after the first run.
    private static readonly AppleReceiptVerifier Verifier = new();

    public string Kind => "apple-receipt";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--receipt", "--app-id", "--public-key", "--at",
    };

    public IReadOnlySet<string> RepeatableOptions { get; } = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var receipt = CliArguments.Base64("--receipt", arguments.Required("--receipt"));
        var appId = AppleAppIds.Require(arguments);
        var publicKey = arguments.Optional("--public-key") is { } key ? ApplePublicKeys.Read(key) : null;

        // docs/cli.md: --at defaults to the receipt's own creation time, not to now.
        DateTimeOffset? at = arguments.Optional("--at") is null ? null : arguments.At(timeProvider);

        var facts = new JsonObject();
        try
        {
            facts = Facts(AppleReceiptVerifier.Read(receipt));
            var fields = Verifier.Verify(receipt, appId, publicKey, at);
            var instant = at ?? fields.CreationTime;
            return Task.FromResult(VerificationReport.Ok(
                $"The receipt verifies for {appId}{(publicKey is null ? string.Empty : " and the key given")} at {instant.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}.", facts));
        }
        catch (AttestationException refused)
        {
            return Task.FromResult(VerificationReport.Refused(refused, facts));
        }
    }

    private static JsonObject Facts(AppleReceipt receipt) => new()
    {
        ["type"] = receipt.Type == AppleReceiptType.Attest ? "ATTEST" : "RECEIPT",
        ["appId"] = receipt.AppId,
        ["creationTime"] = Instant(receipt.CreationTime),
        ["notBefore"] = Instant(receipt.NotBefore),
        ["expirationTime"] = Instant(receipt.ExpirationTime),
        ["riskMetric"] = receipt.RiskMetric,
        ["publicKeySha256"] = Convert.ToHexStringLower(receipt.PublicKeySha256),
    };

    private static string? Instant(DateTimeOffset? instant) => instant?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
