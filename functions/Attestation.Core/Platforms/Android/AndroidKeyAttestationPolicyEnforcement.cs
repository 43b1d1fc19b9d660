using System.Globalization;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The app policy's checks on a verified KeyDescription. Each failure is a <c>policy_violation</c>: the evidence is genuine,
/// the app does not accept it. Which policies may be configured at all is <see cref="AndroidKeyAttestationPolicyValidator"/>'s job.
/// </summary>
public static class AndroidKeyAttestationPolicyEnforcement
{
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

        // The verifier has already refused a KeyMint security level that differs from the attestation's, so this minimum
        // holds for where the key lives as well as for where it was attested.
        var minimum = AndroidKeyAttestationPolicy.ParseSecurityLevel(policy.MinimumSecurityLevel) ?? KeySecurityLevel.TrustedEnvironment;
        if (description.AttestationSecurityLevel < minimum)
        {
            throw Violation($"The key is kept in {description.AttestationSecurityLevel.ToWireName()}; the app requires {minimum.ToWireName()} or better.");
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

    private static AttestationException Violation(string detail) => new(AttestationErrorCode.PolicyViolation, detail);
}
