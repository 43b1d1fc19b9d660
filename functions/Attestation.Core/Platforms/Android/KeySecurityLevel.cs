namespace Attestation.Core.Platforms.Android;

/// <summary>Where a key lives, as KeyDescription's <c>SecurityLevel</c> names it.</summary>
public enum KeySecurityLevel
{
    Software = 0,
    TrustedEnvironment = 1,
    StrongBox = 2,
}
