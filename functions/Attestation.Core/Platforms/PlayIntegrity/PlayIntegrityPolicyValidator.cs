using Attestation.Core.Text;

namespace Attestation.Core.Platforms.PlayIntegrity;

/// <summary>Checks an app's PlayIntegrity section: the package, signing certificates, mode, key secrets, age and verdicts.</summary>
public sealed class PlayIntegrityPolicyValidator : IPlatformPolicyValidator<PlayIntegrityPolicy>
{
    private static readonly TimeSpan LongestMaxAge = TimeSpan.FromDays(1);

    public IEnumerable<string> Validate(PlayIntegrityPolicy? policy)
    {
        if (policy is not { } section)
        {
            yield return "the PlayIntegrity section is missing.";
            yield break;
        }

        if (!AppIdentifier.IsWellFormed(section.PackageName))
        {
            yield return "PlayIntegrity:PackageName must be the app's package name.";
        }

        if (section.SigningCertificateDigests.Count == 0)
        {
            yield return "PlayIntegrity:SigningCertificateDigests must list at least one signing certificate SHA-256 digest.";
        }

        foreach (var digest in section.SigningCertificateDigests.Where(d => !SigningCertificateDigest.TryParse(d, out _)))
        {
            yield return $"PlayIntegrity:SigningCertificateDigests entry '{UntrustedText.Quote(digest)}' is not a SHA-256 digest (64 hex digits or base64url of 32 bytes).";
        }

        if (section.Mode is not ("classic" or "standard" or "both"))
        {
            yield return $"PlayIntegrity:Mode must be 'classic', 'standard' or 'both', not '{UntrustedText.Quote(section.Mode)}'.";
        }

        if (section.Mode is "classic" or "both")
        {
            if (string.IsNullOrWhiteSpace(section.DecryptionKeySecretName) || string.IsNullOrWhiteSpace(section.VerificationKeySecretName))
            {
                yield return "PlayIntegrity:DecryptionKeySecretName and VerificationKeySecretName must name the secrets holding the Play Console keys (classic tokens).";
            }
        }

        if (section.Mode is "standard" or "both" && string.IsNullOrWhiteSpace(section.ServiceAccountSecretName))
        {
            yield return "PlayIntegrity:ServiceAccountSecretName must name the secret holding the Google service account key (standard tokens).";
        }

        if (section.MaxAge <= TimeSpan.Zero || section.MaxAge > LongestMaxAge)
        {
            yield return "PlayIntegrity:MaxAge must be more than zero and at most one day.";
        }

        foreach (var verdict in section.AllowedAppRecognitionVerdicts.Where(v => !IntegrityVerdictRequirements.KnownAppRecognitionVerdicts.Contains(v)))
        {
            yield return $"PlayIntegrity:AllowedAppRecognitionVerdicts entry '{UntrustedText.Quote(verdict)}' is not one of {string.Join(", ", IntegrityVerdictRequirements.KnownAppRecognitionVerdicts)}.";
        }

        if (!DeviceIntegrityLevels.TryParse(section.MinimumDeviceVerdict, out _))
        {
            yield return $"PlayIntegrity:MinimumDeviceVerdict must be 'basic', 'device' or 'strong', not '{UntrustedText.Quote(section.MinimumDeviceVerdict)}'.";
        }
    }
}
