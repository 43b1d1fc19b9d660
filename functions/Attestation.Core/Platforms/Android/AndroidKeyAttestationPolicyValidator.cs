using System.Globalization;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// Checks an app's AndroidKey section at start and on every admin write: an app that enables the platform must name its
/// package and signing certificates, and every value must be one <see cref="AndroidKeyAttestationPolicyEnforcement"/> can apply.
/// </summary>
public sealed class AndroidKeyAttestationPolicyValidator : IPlatformPolicyValidator<AndroidKeyAttestationPolicy>
{
    public IEnumerable<string> Validate(AndroidKeyAttestationPolicy? policy)
    {
        if (policy is null)
        {
            yield return "the AndroidKey section is missing (PackageName, SigningCertificateDigests, ...).";
            yield break;
        }

        if (string.IsNullOrWhiteSpace(policy.PackageName))
        {
            yield return "AndroidKey:PackageName is required.";
        }

        if (policy.SigningCertificateDigests.Count == 0)
        {
            yield return "AndroidKey:SigningCertificateDigests must list at least one signing certificate SHA-256 digest.";
        }

        foreach (var digest in policy.SigningCertificateDigests)
        {
            if (!SigningCertificateDigest.TryParse(digest, out _))
            {
                yield return $"AndroidKey:SigningCertificateDigests entry '{UntrustedText.Quote(digest)}' is not a SHA-256 digest (64 hex digits or base64url of 32 bytes).";
            }
        }

        if (AndroidKeyAttestationPolicy.ParseSecurityLevel(policy.MinimumSecurityLevel) is null)
        {
            yield return $"AndroidKey:MinimumSecurityLevel must be 'tee' or 'strongbox', not '{UntrustedText.Quote(policy.MinimumSecurityLevel)}'.";
        }

        if (policy.MinimumOsPatchLevel is { } level && !IsYearMonth(level))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AndroidKey:MinimumOsPatchLevel must be YYYYMM, not {level}.");
        }

        if (policy.MaximumDevicesPerBatchCertificate is { } maximum && maximum < 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"AndroidKey:MaximumDevicesPerBatchCertificate must be a positive whole number, not {maximum}.");
        }
    }

    private static bool IsYearMonth(int value) => value / 100 is >= 2000 and <= 2999 && value % 100 is >= 1 and <= 12;
}
