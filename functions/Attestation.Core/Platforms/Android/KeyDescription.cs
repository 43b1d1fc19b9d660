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

    /// <summary>
    /// The attested key's origin (<c>Tag.ORIGIN</c>, 702): 0 GENERATED, 1 DERIVED, 2 IMPORTED, 3 UNKNOWN, 4 SECURELY_IMPORTED.
    /// Only the hardware-enforced one counts: KeyMint lists what the secure hardware of the attestation's security level
    /// enforces there, and every real chain in tests/vectors carries its origin there.
    /// </summary>
    public long? Origin => HardwareEnforced.Origin;

    /// <summary>
    /// The attested key's purposes (<c>Tag.PURPOSE</c>, 1): 0 ENCRYPT, 1 DECRYPT, 2 SIGN, 3 VERIFY, 5 WRAP_KEY, 6 AGREE_KEY,
    /// 7 ATTEST_KEY. Only the hardware-enforced ones count, for the same reason as <see cref="Origin"/>.
    /// </summary>
    public IReadOnlyList<int>? Purposes => HardwareEnforced.Purposes;

    /// <summary>The OS patch level (<c>YYYYMM</c>) the secure hardware enforces, or null.</summary>
    public long? OsPatchLevel => HardwareEnforced.OsPatchLevel;
}
