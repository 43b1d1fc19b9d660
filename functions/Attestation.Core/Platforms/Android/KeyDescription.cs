namespace Attestation.Core.Platforms.Android;

/// <summary>
/// The Android Key Attestation extension (OID 1.3.6.1.4.1.11129.2.1.17) of a leaf certificate, as described at
/// https://source.android.com/docs/security/features/keystore/attestation#schema.
/// </summary>
public sealed record KeyDescription(
    int AttestationVersion,
    KeySecurityLevel AttestationSecurityLevel,
    int KeyMintVersion,
    KeySecurityLevel KeyMintSecurityLevel,
    byte[] AttestationChallenge,
    byte[] UniqueId,
    AuthorizationList SoftwareEnforced,
    AuthorizationList HardwareEnforced)
{
    /// <summary>The OID of the extension.</summary>
    public const string Oid = "1.3.6.1.4.1.11129.2.1.17";

    /// <summary>
    /// The application id. Keystore puts it in <c>softwareEnforced</c> (the app is known to the OS, not to the secure
    /// hardware); a list that carries it in <c>hardwareEnforced</c> is read too.
    /// </summary>
    public AttestationApplicationId? ApplicationId => HardwareEnforced.ApplicationId ?? SoftwareEnforced.ApplicationId;

    /// <summary>The root of trust. Only the hardware-enforced one counts: a software-enforced claim proves nothing about boot.</summary>
    public RootOfTrust? RootOfTrust => HardwareEnforced.RootOfTrust;

    /// <summary>The OS patch level (<c>YYYYMM</c>) the secure hardware enforces, or null.</summary>
    public long? OsPatchLevel => HardwareEnforced.OsPatchLevel;
}
