namespace Attestation.Core.Platforms.Android;

/// <summary>Names of <see cref="VerifiedBootState"/>: the schema's, which the offline tool prints and the summaries quote.</summary>
public static class VerifiedBootStateNames
{
    /// <summary><c>VERIFIED</c>, <c>SELF_SIGNED</c>, <c>UNVERIFIED</c> or <c>FAILED</c>, as the KeyDescription schema spells them.</summary>
    public static string ToWireName(this VerifiedBootState state) => state switch
    {
        VerifiedBootState.Verified => "VERIFIED",
        VerifiedBootState.SelfSigned => "SELF_SIGNED",
        VerifiedBootState.Unverified => "UNVERIFIED",
        VerifiedBootState.Failed => "FAILED",
        _ => state.ToString(),
    };
}
