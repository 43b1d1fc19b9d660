namespace Attestation.Core.Platforms.Android;

/// <summary>
/// What was read from a chain, filled in as verification proceeds, so that the offline tool can show it whatever the
/// outcome. Nothing in it is trusted unless verification completed.
/// </summary>
public sealed class AndroidKeyAttestationFacts
{
    public KeyDescription? Description { get; set; }

    /// <summary>The pinned root the chain ends at, or null when it ends at none.</summary>
    public string? RootKind { get; set; }

    /// <summary>The wire name of a security level (<c>SOFTWARE</c>, <c>TRUSTED_ENVIRONMENT</c>, <c>STRONG_BOX</c>).</summary>
    public static string Name(KeySecurityLevel level) => level switch
    {
        KeySecurityLevel.Software => "SOFTWARE",
        KeySecurityLevel.TrustedEnvironment => "TRUSTED_ENVIRONMENT",
        KeySecurityLevel.StrongBox => "STRONG_BOX",
        _ => level.ToString(),
    };

    /// <summary>The wire name of a verified boot state (<c>VERIFIED</c>, <c>SELF_SIGNED</c>, <c>UNVERIFIED</c>, <c>FAILED</c>).</summary>
    public static string Name(VerifiedBootState state) => state switch
    {
        VerifiedBootState.Verified => "VERIFIED",
        VerifiedBootState.SelfSigned => "SELF_SIGNED",
        VerifiedBootState.Unverified => "UNVERIFIED",
        VerifiedBootState.Failed => "FAILED",
        _ => state.ToString(),
    };
}
