namespace Attestation.Client;

/// <summary>The platform names of the wire contract.</summary>
public static class Platforms
{
    public const string AppleAppAttest = "apple-app-attest";
    public const string AndroidKeyAttestation = "android-key-attestation";
    public const string PlayIntegrity = "play-integrity";
    public const string Debug = "debug";
}
