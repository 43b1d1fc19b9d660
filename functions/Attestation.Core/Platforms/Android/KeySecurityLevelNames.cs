namespace Attestation.Core.Platforms.Android;

/// <summary>Names of <see cref="KeySecurityLevel"/>: the schema's, which the offline tool prints and the refusals quote.</summary>
public static class KeySecurityLevelNames
{
    /// <summary><c>SOFTWARE</c>, <c>TRUSTED_ENVIRONMENT</c> or <c>STRONG_BOX</c>, as the KeyDescription schema spells them.</summary>
    public static string ToWireName(this KeySecurityLevel level) => level switch
    {
        KeySecurityLevel.Software => "SOFTWARE",
        KeySecurityLevel.TrustedEnvironment => "TRUSTED_ENVIRONMENT",
        KeySecurityLevel.StrongBox => "STRONG_BOX",
        _ => level.ToString(),
    };
}
