namespace Attestation.Core.Platforms.Android;

/// <summary>The device's boot state, as <c>RootOfTrust.verifiedBootState</c> names it.</summary>
public enum VerifiedBootState
{
    Verified = 0,
    SelfSigned = 1,
    Unverified = 2,
    Failed = 3,
}
