namespace Attestation.AspNetCore;

/// <summary>
/// The claims of the principal an attestation token makes: the token's own claim names (docs/api.md, "The token"), so a
/// policy reads the same names the edge fragment checks.
/// </summary>
public static class AttestationTokenClaimTypes
{
    /// <summary>The app id (<c>app</c>).</summary>
    public const string App = "app";

    /// <summary>The device id (<c>sub</c>).</summary>
    public const string Device = "sub";

    /// <summary>The platform (<c>plat</c>), e.g. <c>apple-app-attest</c>.</summary>
    public const string Platform = "plat";
}
