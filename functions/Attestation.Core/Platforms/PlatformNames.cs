namespace Attestation.Core.Platforms;

/// <summary>The evidence platforms of the HTTP contract (docs/api.md, <c>platform</c>).</summary>
public static class PlatformNames
{
    public const string AppleAppAttest = "apple-app-attest";
    public const string AndroidKeyAttestation = "android-key-attestation";
    public const string PlayIntegrity = "play-integrity";
    public const string Debug = "debug";

    /// <summary>Every platform name the contract knows, in contract order.</summary>
    public static IReadOnlyList<string> All { get; } = [AppleAppAttest, AndroidKeyAttestation, PlayIntegrity, Debug];

    public static bool IsKnown(string? platform) => platform is not null && All.Contains(platform, StringComparer.Ordinal);
}
