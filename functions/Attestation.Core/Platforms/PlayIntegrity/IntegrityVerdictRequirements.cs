using System.Security.Cryptography;
using System.Text;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>
/// What a verdict must show to be accepted: the checks of https://developer.android.com/google/play/integrity/verdicts,
/// built from an app's <see cref="PlayIntegrityPolicy"/> (the backend) or from command-line options (the offline tool), so
/// both decide alike. Binding and freshness failures are <c>attestation_invalid</c> (the verdict is not for this request);
/// a genuine verdict that the app's rules refuse is <c>policy_violation</c>.
/// </summary>
public sealed class IntegrityVerdictRequirements
{
    /// <summary>The one app recognition verdict accepted when none is configured.</summary>
    public const string PlayRecognized = "PLAY_RECOGNIZED";

    /// <summary>Every <c>appRecognitionVerdict</c> value Google documents; an app's policy may accept only these.</summary>
    public static readonly IReadOnlySet<string> KnownAppRecognitionVerdicts =
        new HashSet<string>([PlayRecognized, "UNRECOGNIZED_VERSION", "UNEVALUATED"], StringComparer.Ordinal);

    /// <summary>A verdict stamped this far after the verifier's clock is still accepted (device and server clocks differ).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>The package name the verdict must name, or null to skip the check (the offline tool without <c>--package</c>).</summary>
    public string? PackageName { get; init; }

    /// <summary>The field that must carry <see cref="Challenge"/>.</summary>
    public IntegrityRequestKind RequestKind { get; init; }

    /// <summary>
    /// What the request field must equal: the challenge string, or, for a device that sends a <c>deviceKey</c>, the key's
    /// binding of the challenge (<see cref="PlayIntegrityDeviceKey.RequestBinding"/>).
    /// </summary>
    public required string Challenge { get; init; }

    /// <summary>How old the verdict may be, or null for no limit.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Accepted <c>appRecognitionVerdict</c> values.</summary>
    public IReadOnlyCollection<string> AllowedAppRecognitionVerdicts { get; init; } = [PlayRecognized];

    /// <summary>Allowed signing certificate digests (32 bytes each); empty skips the check.</summary>
    public IReadOnlyList<byte[]> SigningCertificateDigests { get; init; } = [];

    /// <summary>The device level required; <see cref="DeviceIntegrityLevel.None"/> skips the check.</summary>
    public DeviceIntegrityLevel MinimumDeviceLevel { get; init; }

    /// <summary>Require <c>appLicensingVerdict</c> = <c>LICENSED</c>.</summary>
    public bool RequireLicensed { get; init; }

    /// <summary>The requirements of an app's policy (checked at start by <see cref="PlayIntegrityPolicyValidator"/>).</summary>
    public static IntegrityVerdictRequirements FromPolicy(PlayIntegrityPolicy policy, IntegrityRequestKind kind, string challenge)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new IntegrityVerdictRequirements
        {
            PackageName = policy.PackageName,
            RequestKind = kind,
            Challenge = challenge,
            MaxAge = policy.MaxAge,
            AllowedAppRecognitionVerdicts = policy.AllowedAppRecognitionVerdicts.Count > 0 ? [.. policy.AllowedAppRecognitionVerdicts] : [PlayRecognized],
            SigningCertificateDigests = [.. policy.SigningCertificateDigests.Select(d => SigningCertificateDigest.TryParse(d, out var bytes) ? bytes : [])],
            // PlayIntegrityPolicyValidator refuses an unknown level at start; should one slip through, the strictest level applies.
            MinimumDeviceLevel = DeviceIntegrityLevels.TryParse(policy.MinimumDeviceVerdict, out var level) ? level : DeviceIntegrityLevel.Strong,
            RequireLicensed = policy.RequireLicensed,
        };
    }

    /// <summary>Checks <paramref name="verdict"/> at <paramref name="now"/>; returns normally when every requirement holds.</summary>
    /// <exception cref="AttestationException"><c>attestation_invalid</c> or <c>policy_violation</c>, naming the first failed check.</exception>
    public void Check(IntegrityVerdict verdict, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(verdict);

        // 1. The verdict answers this request: nonce (classic) or requestHash (standard) is the challenge, or its binding
        // with the device key (docs/api.md). Only that value: a verdict for the bare challenge never vouches for a key.
        var (field, value) = RequestKind == IntegrityRequestKind.Classic ? ("nonce", verdict.Nonce) : ("requestHash", verdict.RequestHash);
        if (value is null || !SameChallenge(value, Challenge))
        {
            throw Invalid($"The verdict's requestDetails.{field} does not answer this challenge.");
        }

        // 2. It is fresh: requested at most MaxAge ago, and not in the future beyond clock skew.
        if (MaxAge is { } maxAge && now - verdict.Timestamp > maxAge)
        {
            throw Invalid($"The verdict is older than the allowed {maxAge.TotalSeconds:0} seconds.");
        }

        if (verdict.Timestamp - now > AllowedClockSkew)
        {
            throw Invalid("The verdict's timestamp is in the future.");
        }

        CheckApp(PlayIntegrityRegisteredFacts.Of(verdict));
    }

    /// <summary>
    /// Checks what a verdict says about the app and the device (steps 3 to 6 of <see cref="Check"/>): at the attestation on
    /// the verdict itself, at a refresh on the facts kept from it.
    /// </summary>
    /// <exception cref="AttestationException"><c>policy_violation</c>, naming the first failed check.</exception>
    public void CheckApp(PlayIntegrityRegisteredFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);

        // 3. The app: the package asked for it, and Play recognizes this build.
        if (PackageName is not null && (!string.Equals(facts.RequestPackageName, PackageName, StringComparison.Ordinal)
            || (facts.AppPackageName is not null && !string.Equals(facts.AppPackageName, PackageName, StringComparison.Ordinal))))
        {
            throw Refused($"The verdict is for package '{UntrustedText.Quote(facts.RequestPackageName)}', not '{PackageName}'.");
        }

        if (!AllowedAppRecognitionVerdicts.Contains(facts.AppRecognitionVerdict, StringComparer.Ordinal))
        {
            throw Refused($"The app recognition verdict is {UntrustedText.Quote(facts.AppRecognitionVerdict)}; the app's policy accepts {string.Join(", ", AllowedAppRecognitionVerdicts)}.");
        }

        // 4. Signed with one of the app's signing certificates. docs/quirks.md: the verdict gives base64url digests, not hex.
        if (SigningCertificateDigests.Count > 0)
        {
            var named = facts.CertificateSha256Digests
                .Select(d => SigningCertificateDigest.TryParse(d, out var bytes) ? bytes : null)
                .OfType<byte[]>()
                .ToList();
            if (!named.Any(d => SigningCertificateDigest.IsAllowed(d, SigningCertificateDigests)))
            {
                throw Refused("The app is not signed with a certificate the app's policy allows.");
            }
        }

        // 5. The device meets the required integrity level.
        if (MinimumDeviceLevel != DeviceIntegrityLevel.None && facts.DeviceLevel < MinimumDeviceLevel)
        {
            throw Refused($"The device does not meet {MinimumDeviceLevel.ToLabel()} (verdict: {(facts.DeviceRecognitionVerdicts.Count == 0 ? "none" : UntrustedText.Quote(string.Join(", ", facts.DeviceRecognitionVerdicts)))}).");
        }

        // 6. Licensing, when the app requires it.
        if (RequireLicensed && !string.Equals(facts.AppLicensingVerdict, "LICENSED", StringComparison.Ordinal))
        {
            throw Refused($"The app licensing verdict is {(facts.AppLicensingVerdict is null ? "absent" : UntrustedText.Quote(facts.AppLicensingVerdict))}, not LICENSED.");
        }
    }

    // The nonce is base64url text. Google may hand it back padded or in the other alphabet, so equal decoded bytes count
    // too. Compared in constant time.
    private static bool SameChallenge(string value, string challenge)
    {
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(challenge)))
        {
            return true;
        }

        return Base64Flexible.TryDecode(value, out var given) && Base64Flexible.TryDecode(challenge, out var expected)
            && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static AttestationException Invalid(string detail) => new(AttestationErrorCode.AttestationInvalid, detail);

    private static AttestationException Refused(string detail) => new(AttestationErrorCode.PolicyViolation, detail);
}
