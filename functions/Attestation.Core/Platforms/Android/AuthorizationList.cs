namespace Attestation.Core.Platforms.Android;

/// <summary>The fields of an <c>AuthorizationList</c> this backend reads; every other tag is skipped after its encoding is checked.</summary>
public sealed record AuthorizationList(
    RootOfTrust? RootOfTrust,
    long? OsVersion,
    long? OsPatchLevel,
    long? VendorPatchLevel,
    long? BootPatchLevel,
    long? CreationDateTimeMilliseconds,
    AttestationApplicationId? ApplicationId,
    IReadOnlyList<int>? Purposes = null,
    long? Origin = null)
{
    /// <summary>A list without any of the fields above.</summary>
    public static AuthorizationList Empty { get; } = new(null, null, null, null, null, null, null);
}
