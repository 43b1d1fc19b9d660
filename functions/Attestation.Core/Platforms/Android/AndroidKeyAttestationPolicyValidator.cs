namespace Attestation.Core.Platforms.Android;

/// <summary>Checks an app's AndroidKey section; an app that enables the platform must name its package and signing certificates.</summary>
public sealed class AndroidKeyAttestationPolicyValidator : IPlatformPolicyValidator<AndroidKeyAttestationPolicy>
{
    public IEnumerable<string> Validate(AndroidKeyAttestationPolicy? policy) =>
        AndroidKeyAttestationPolicyCheck.Validate(policy, requireAppIdentity: true);
}
