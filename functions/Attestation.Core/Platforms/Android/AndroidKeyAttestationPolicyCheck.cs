using System.Globalization;
using Attestation.Core.Apps;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The app policy's checks on a verified KeyDescription. Each failure is a <c>policy_violation</c>: the evidence is genuine,
/// the app does not accept it.
/// </summary>
public static class AndroidKeyAttestationPolicyCheck
{
    /// <summary>Problems with a policy section, for start-up validation; empty when it is usable.</summary>
    public static IEnumerable<string> Validate(AndroidKeyAttestationPolicy? policy, bool requireAppIdentity)
    {
        if (policy is null)
        {
            yield return "the AndroidKey section is missing (PackageName, SigningCertificateDigests, ...).";
            yield break;
        }

        if (requireAppIdentity && string.IsNullOrWhiteSpace(policy.PackageName))
        {
            yield return "AndroidKey:PackageName is required.";
        }

        if (requireAppIdentity && policy.SigningCertificateDigests.Count == 0)
        {
            yield return "AndroidKey:SigningCertificateDigests must list at least one signing certificate SHA-256 digest.";
        }

        foreach (var digest in policy.SigningCertificateDigests)
        {
            if (!SigningCertificateDigest.TryParse(digest, out _))
            {
                yield return $"AndroidKey:SigningCertificateDigests entry '{digest}' is not a SHA-256 digest (64 hex digits or base64url of 32 bytes).";
            }
        }

        if (ParseSecurityLevel(policy.MinimumSecurityLevel) is null)
        {
            yield return $"AndroidKey:MinimumSecurityLevel must be 'tee' or 'strongbox', not '{policy.MinimumSecurityLevel}'.";
        }

        if (policy.MinimumOsPatchLevel is { } level && !IsYearMonth(level))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AndroidKey:MinimumOsPatchLevel must be YYYYMM, not {level}.");
        }
    }

    /// <summary><c>tee</c> or <c>strongbox</c> as a security level; null for anything else.</summary>
    public static KeySecurityLevel? ParseSecurityLevel(string? text) => text switch
    {
        "tee" => KeySecurityLevel.TrustedEnvironment,
        "strongbox" => KeySecurityLevel.StrongBox,
        _ => null,
    };

    /// <summary>Applies <paramref name="policy"/> to a verified <paramref name="description"/>.</summary>
    /// <exception cref="AttestationException"><c>policy_violation</c> naming the first rule it breaks.</exception>
    public static void Enforce(AndroidKeyAttestationPolicy policy, KeyDescription description)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(description);
        var application = description.ApplicationId;

        // The package name: keystore lists every package of the app's user id; the configured one must be among them.
        if (!string.IsNullOrEmpty(policy.PackageName)
            && (application is null || !application.Packages.Any(p => string.Equals(p.Name, policy.PackageName, StringComparison.Ordinal))))
        {
            throw Violation("The attested key was not created by the app's package.");
        }

        // The signing certificates: this is what restricts the endpoint to the app's signing keys, not just its name.
        if (policy.SigningCertificateDigests.Count > 0)
        {
            var allowed = policy.SigningCertificateDigests
                .Select(d => SigningCertificateDigest.TryParse(d, out var bytes) ? bytes : null)
                .OfType<byte[]>()
                .ToList();
            if (application is null || !application.SignatureDigests.Any(d => SigningCertificateDigest.IsAllowed(d, allowed)))
            {
                throw Violation("The app that created the key is not signed with an allowed signing certificate.");
            }
        }

        var minimum = ParseSecurityLevel(policy.MinimumSecurityLevel) ?? KeySecurityLevel.TrustedEnvironment;
        if (description.AttestationSecurityLevel < minimum)
        {
            throw Violation($"The key is kept in {AndroidKeyAttestationFacts.Name(description.AttestationSecurityLevel)}; the app requires {AndroidKeyAttestationFacts.Name(minimum)} or better.");
        }

        var rootOfTrust = description.RootOfTrust;
        if (policy.RequireVerifiedBoot && rootOfTrust?.VerifiedBootState != VerifiedBootState.Verified)
        {
            throw Violation("The device did not boot a verified system image.");
        }

        if (policy.RequireLockedBootloader && rootOfTrust?.DeviceLocked != true)
        {
            throw Violation("The device's bootloader is unlocked.");
        }

        if (policy.MinimumOsPatchLevel is { } patch && (description.OsPatchLevel is not { } actual || actual < patch))
        {
            throw Violation(string.Create(CultureInfo.InvariantCulture, $"The device's OS patch level is older than {patch}."));
        }
    }

    private static bool IsYearMonth(int value) => value / 100 is >= 2000 and <= 2999 && value % 100 is >= 1 and <= 12;

    private static AttestationException Violation(string detail) => new(AttestationErrorCode.PolicyViolation, detail);
}
