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
    public static void Enforce(AndroidKeyAttestationPolicy policy, KeyDescription description) =>
        Enforce(policy, AndroidKeyRegisteredFacts.Of(description, []));

    /// <summary>
    /// Applies <paramref name="policy"/> to what an attestation showed: at the attestation, and again at every refresh with
    /// the facts stored with the registration, so that one rule set decides both.
    /// </summary>
    /// <exception cref="AttestationException"><c>policy_violation</c> naming the first rule it breaks.</exception>
    public static void Enforce(AndroidKeyAttestationPolicy policy, AndroidKeyRegisteredFacts facts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);

        // The package name: keystore lists every package of the app's user id; the configured one must be among them.
        if (!string.IsNullOrEmpty(policy.PackageName)
            && !facts.PackageNames.Any(p => string.Equals(p, policy.PackageName, StringComparison.Ordinal)))
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
            if (!facts.SignatureDigests.Any(d => SigningCertificateDigest.IsAllowed(d, allowed)))
            {
                throw Violation("The app that created the key is not signed with an allowed signing certificate.");
            }
        }

        // The verifier has already refused a KeyMint security level that differs from the attestation's, so this minimum
        // holds for where the key lives as well as for where it was attested.
        var minimum = AndroidKeyAttestationPolicy.ParseSecurityLevel(policy.MinimumSecurityLevel) ?? KeySecurityLevel.TrustedEnvironment;
        if (facts.SecurityLevel < minimum)
        {
            throw Violation($"The key is kept in {facts.SecurityLevel.ToWireName()}; the app requires {minimum.ToWireName()} or better.");
        }

        if (policy.RequireVerifiedBoot && facts.VerifiedBootState != VerifiedBootState.Verified)
        {
            throw Violation("The device did not boot a verified system image.");
        }

        if (policy.RequireLockedBootloader && facts.DeviceLocked != true)
        {
            throw Violation("The device's bootloader is unlocked.");
        }

        if (policy.MinimumOsPatchLevel is { } patch && (facts.OsPatchLevel is not { } actual || actual < patch))
        {
            throw Violation(string.Create(CultureInfo.InvariantCulture, $"The device's OS patch level is older than {patch}."));
        }
    }

    private static AttestationException Violation(string detail) => new(AttestationErrorCode.PolicyViolation, detail);
}
