namespace Attestation.Core.Platforms.Apple;

/// <summary>Checks an app's Apple section: the team id and bundle id that make its App ID.</summary>
public sealed class AppleAppAttestPolicyValidator : IPlatformPolicyValidator<AppleAppAttestPolicy>
{
    public IEnumerable<string> Validate(AppleAppAttestPolicy? policy)
    {
        if (policy is null)
        {
            yield return "the Apple section (TeamId, BundleId, AllowDevelopment) is required.";
            yield break;
        }

        // Team ids are ten upper-case letters or digits; the bundle id is what Xcode allows (letters, digits, '-', '.').
        if (policy.TeamId is not { Length: 10 } team || !team.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
        {
            yield return "Apple:TeamId must be the ten-character Apple developer team id (upper-case letters and digits).";
        }

        if (string.IsNullOrEmpty(policy.BundleId) || policy.BundleId.Length > 155
            || !policy.BundleId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            yield return "Apple:BundleId must be the app's bundle id (letters, digits, '-' and '.').";
        }

        if (policy.MaximumRiskMetric is < 1)
        {
            yield return "Apple:MaximumRiskMetric must be a positive integer when set.";
        }
    }
}
