using System.Text;
using System.Text.Json.Nodes;
using Attestation.Core.Apps;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.Android;

namespace Attestation.Cli.Commands;

/// <summary>
/// <c>verify android-key-attestation --chain FILE.pem (--challenge TEXT | --challenge-hex HEX) [--package NAME]
/// [--signing-digest DIGEST]... [--require-verified-boot] [--require-locked] [--min-security-level tee|strongbox]
/// [--revocation-list FILE.json] [--at RFC3339]</c>, with the backend's own verifier and Google's pinned roots only.
/// Without <c>--revocation-list</c> no status list is consulted (the tool works offline).
/// </summary>
public sealed class AndroidKeyAttestationCommand : IVerifyCommand
{
    public string Kind => "android-key-attestation";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--chain", "--challenge", "--challenge-hex", "--package", "--min-security-level", "--revocation-list", "--at",
    };

    public IReadOnlySet<string> RepeatableOptions { get; } = new HashSet<string>(StringComparer.Ordinal) { "--signing-digest" };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal) { "--require-verified-boot", "--require-locked" };

    public async Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var chain = ReadChain(arguments.Required("--chain"));
        var (option, value) = arguments.OneOf("--challenge", "--challenge-hex");
        var challenge = option == "--challenge" ? Encoding.UTF8.GetBytes(value) : CliArguments.Hex(option, value);
        var policy = ReadPolicy(arguments);
        var statusList = arguments.Optional("--revocation-list") is { } path ? ReadStatusList(path) : AndroidAttestationStatusList.Empty;
        var at = arguments.At(timeProvider);

        var verifier = new AndroidKeyAttestationVerifier(new AndroidAttestationChainVerifier(), new FixedAndroidAttestationStatusSource(statusList), timeProvider);
        var outcome = await verifier.VerifyChainAsync(chain, challenge, policy, at, cancellationToken).ConfigureAwait(false);
        return outcome.IsVerified
            ? VerificationReport.Ok($"The chain verifies at {at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)} and satisfies the given policy ({outcome.Result.Summary}).", Facts(outcome.Facts))
            : VerificationReport.Refused(outcome.Refusal, Facts(outcome.Facts));
    }

    private static AndroidKeyAttestationPolicy ReadPolicy(CliArguments arguments)
    {
        // Only the checks the command line names: without --package and --signing-digest the evidence alone is verified.
        var policy = new AndroidKeyAttestationPolicy
        {
            PackageName = arguments.Optional("--package"),
            RequireVerifiedBoot = arguments.Has("--require-verified-boot"),
            RequireLockedBootloader = arguments.Has("--require-locked"),
            MinimumSecurityLevel = arguments.Optional("--min-security-level") ?? "tee",
        };
        if (AndroidKeyAttestationPolicy.ParseSecurityLevel(policy.MinimumSecurityLevel) is null)
        {
            throw new CliUsageException($"--min-security-level must be tee or strongbox, not '{policy.MinimumSecurityLevel}'.");
        }

        foreach (var digest in arguments.All("--signing-digest"))
        {
            if (!SigningCertificateDigest.TryParse(digest, out _))
            {
                throw new CliUsageException($"--signing-digest '{digest}' is not a SHA-256 digest (64 hex digits or base64url).");
            }

            policy.SigningCertificateDigests.Add(digest);
        }

        return policy;
    }

    private static List<byte[]> ReadChain(string path)
    {
        var pem = CliArguments.ReadFile("--chain", path);
        var chain = new List<byte[]>();
        var rest = pem.AsSpan();
        while (System.Security.Cryptography.PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                {
                    throw new CliUsageException($"--chain: '{path}' holds a certificate that is not base64.");
                }

                chain.Add(der[..written]);
            }

            rest = rest[fields.Location.End..];
        }

        return chain.Count > 0 ? chain : throw new CliUsageException($"--chain: '{path}' holds no PEM certificate.");
    }

    private static AndroidAttestationStatusList ReadStatusList(string path)
    {
        try
        {
            return AndroidAttestationStatusList.Parse(Encoding.UTF8.GetBytes(CliArguments.ReadFile("--revocation-list", path)));
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"--revocation-list: {e.Message}");
        }
    }

    private static JsonObject Facts(AndroidKeyAttestationFacts facts)
    {
        var description = facts.Description;
        var rootOfTrust = description?.RootOfTrust;
        var application = description?.ApplicationId;
        return new JsonObject
        {
            ["attestationVersion"] = description?.AttestationVersion,
            ["securityLevel"] = description?.AttestationSecurityLevel.ToWireName(),
            ["verifiedBootState"] = rootOfTrust?.VerifiedBootState.ToWireName(),
            ["deviceLocked"] = rootOfTrust?.DeviceLocked,
            ["packages"] = application is null ? null : new JsonArray([.. application.Packages.Select(p => (JsonNode?)JsonValue.Create(p.Name))]),
            ["signatureDigests"] = application is null ? null : new JsonArray([.. application.SignatureDigests.Select(d => (JsonNode?)JsonValue.Create(Convert.ToHexStringLower(d)))]),
            ["osPatchLevel"] = description?.OsPatchLevel,
            ["rootKind"] = facts.RootKind,
        };
    }
}
