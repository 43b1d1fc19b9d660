using System.Globalization;
using System.Text.Json.Nodes;
using Attestation.Core.Errors;
using Attestation.Core.Platforms;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Cli.Commands;

/// <summary>
/// <c>verify play-integrity</c> (docs/cli.md): decrypts and verifies a classic integrity token with the Play Console keys given
/// on the command line, then checks its verdict with the backend's own rules (<see cref="IntegrityVerdictRequirements"/>).
/// Without <c>--max-age</c> the backend's default of 300 seconds applies; the app recognition verdict must be
/// <c>PLAY_RECOGNIZED</c>, as in the backend's default policy.
/// </summary>
public sealed class PlayIntegrityVerifyCommand : IVerifyCommand
{
    private static readonly TimeSpan DefaultMaxAge = new PlayIntegrityPolicy().MaxAge;

    public string Kind => "play-integrity";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--token", "--decryption-key", "--verification-key", "--package", "--nonce", "--request-hash", "--max-age", "--min-device-verdict", "--at",
    };

    public IReadOnlySet<string> RepeatableOptions { get; } = new HashSet<string>(StringComparer.Ordinal) { "--signing-digest" };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>(StringComparer.Ordinal);

    public async Task<VerificationReport> RunAsync(CliArguments arguments, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var token = arguments.Required("--token");
        var decryptionKey = CliArguments.Base64("--decryption-key", arguments.Required("--decryption-key"));
        var verificationKey = CliArguments.Base64("--verification-key", arguments.Required("--verification-key"));
        var (bindingOption, challenge) = arguments.OneOf("--nonce", "--request-hash");
        var requirements = new IntegrityVerdictRequirements
        {
            PackageName = arguments.Required("--package"),
            RequestKind = bindingOption == "--nonce" ? IntegrityRequestKind.Classic : IntegrityRequestKind.Standard,
            Challenge = challenge,
            MaxAge = MaxAge(arguments),
            SigningCertificateDigests = [.. arguments.All("--signing-digest").Select(Digest)],
            MinimumDeviceLevel = MinimumDeviceLevel(arguments),
        };
        var at = arguments.At(timeProvider);

        using var keys = Keys(decryptionKey, verificationKey);
        IntegrityVerdict verdict;
        try
        {
            verdict = await ClassicIntegrityToken.DecryptAndVerifyAsync(token, keys).ConfigureAwait(false);
        }
        catch (AttestationException refused)
        {
            return VerificationReport.Refused(refused, []);
        }

        var facts = Facts(verdict);
        try
        {
            requirements.Check(verdict, at);
        }
        catch (AttestationException refused)
        {
            return VerificationReport.Refused(refused, facts);
        }

        return VerificationReport.Ok("The token decrypts, its signature verifies with the verification key, and its verdict meets every requirement.", facts);
    }

    // The verdict's fields as Google gave them, whether or not it then meets the requirements. The key order is
    // docs/cli.md's: the required fields first, then each optional field the verdict has.
    private static JsonObject Facts(IntegrityVerdict facts)
    {
        var json = new JsonObject
        {
            ["requestPackageName"] = facts.RequestPackageName,
            ["timestampMillis"] = facts.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["timestamp"] = facts.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["appRecognitionVerdict"] = facts.AppRecognitionVerdict,
            ["certificateSha256Digest"] = Strings(facts.CertificateSha256Digests),
            ["deviceRecognitionVerdict"] = Strings(facts.DeviceRecognitionVerdicts),
        };
        AddIfPresent(json, "nonce", facts.Nonce);
        AddIfPresent(json, "requestHash", facts.RequestHash);
        AddIfPresent(json, "packageName", facts.AppPackageName);
        AddIfPresent(json, "versionCode", facts.VersionCode);
        AddIfPresent(json, "appLicensingVerdict", facts.AppLicensingVerdict);
        AddIfPresent(json, "playProtectVerdict", facts.PlayProtectVerdict);
        AddIfPresent(json, "deviceActivityLevel", facts.DeviceActivityLevel);
        if (facts.SdkVersion is { } sdkVersion)
        {
            json["sdkVersion"] = sdkVersion;
        }

        if (facts.AppsDetected.Count > 0)
        {
            json["appsDetected"] = Strings(facts.AppsDetected);
        }

        return json;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static void AddIfPresent(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static PlayIntegrityKeys Keys(byte[] decryptionKey, byte[] verificationKey)
    {
        try
        {
            return PlayIntegrityKeys.Create(decryptionKey, verificationKey);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.ParamName == "decryptionKey"
                ? "--decryption-key must be base64 of 32 bytes (the Play Console decryption key)."
                : "--verification-key must be base64 of a P-256 SubjectPublicKeyInfo (the Play Console verification key).");
        }
    }

    private static byte[] Digest(string text) =>
        SigningCertificateDigest.TryParse(text, out var digest)
            ? digest
            : throw new CliUsageException($"--signing-digest '{text}' is not a SHA-256 digest (64 hex digits or base64url of 32 bytes).");

    private static TimeSpan MaxAge(CliArguments arguments)
    {
        var text = arguments.Optional("--max-age");
        if (text is null)
        {
            return DefaultMaxAge;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 366L * 24 * 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new CliUsageException($"--max-age '{text}' is not a whole number of seconds (1 to one year).");
    }

    private static DeviceIntegrityLevel MinimumDeviceLevel(CliArguments arguments)
    {
        var text = arguments.Optional("--min-device-verdict");
        if (text is null)
        {
            return DeviceIntegrityLevel.None;
        }

        return DeviceIntegrityLevels.TryParse(text, out var level)
            ? level
            : throw new CliUsageException($"--min-device-verdict must be basic, device or strong, not '{text}'.");
    }
}
