namespace Attestation.Core.Platforms.Android;

/// <summary>Where a key lives, as KeyDescription's <c>SecurityLevel</c> names it.</summary>
public enum KeySecurityLevel
{
    Software = 0,
    TrustedEnvironment = 1,
    StrongBox = 2,
}

/// <summary>The device's boot state, as <c>RootOfTrust.verifiedBootState</c> names it.</summary>
public enum VerifiedBootState
{
    Verified = 0,
    SelfSigned = 1,
    Unverified = 2,
    Failed = 3,
}

/// <summary><c>RootOfTrust</c>: what the bootloader told the secure hardware about the booted system.</summary>
/// <param name="VerifiedBootKey">The key (or its digest) that verified the system image; all zeros on an unlocked device.</param>
/// <param name="DeviceLocked">True when the bootloader is locked.</param>
/// <param name="VerifiedBootState">The verified boot state.</param>
/// <param name="VerifiedBootHash">Digest of the verified boot data (attestation version 3 and later), or null.</param>
public sealed record RootOfTrust(byte[] VerifiedBootKey, bool DeviceLocked, VerifiedBootState VerifiedBootState, byte[]? VerifiedBootHash);

/// <summary>One package of <c>attestationApplicationId</c>.</summary>
public sealed record AttestationPackage(string Name, long Version);

/// <summary>
/// <c>AttestationApplicationId</c>: the packages of the app that created the key (several when they share a user id) and the
/// SHA-256 digests of the app's signing certificates. This is what ties the key to the app's signing keys.
/// </summary>
public sealed record AttestationApplicationId(IReadOnlyList<AttestationPackage> Packages, IReadOnlyList<byte[]> SignatureDigests);

/// <summary>The fields of an <c>AuthorizationList</c> this backend reads; every other tag is skipped after its encoding is checked.</summary>
public sealed record AuthorizationList(
    RootOfTrust? RootOfTrust,
    long? OsVersion,
    long? OsPatchLevel,
    long? VendorPatchLevel,
    long? BootPatchLevel,
    long? CreationDateTimeMilliseconds,
    AttestationApplicationId? ApplicationId)
{
    /// <summary>A list without any of the fields above.</summary>
    public static AuthorizationList Empty { get; } = new(null, null, null, null, null, null, null);
}

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
