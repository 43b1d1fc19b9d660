namespace Attestation.Core.Platforms.Apple;

/// <summary>Settings of the App Attest verifier (<c>Attestation:AppleAppAttest</c>).</summary>
public sealed class AppleAppAttestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Attestation:AppleAppAttest";

    /// <summary>
    /// FOR TESTS ONLY: certificates (PEM, or base64 DER) trusted as App Attest roots beside Apple's. End-to-end tests use it
    /// to attest keys under a test root, since no real iPhone can sign a test's challenge. The backend refuses to start in
    /// Azure when it is set, and logs a warning wherever else it is set.
    /// </summary>
    public IList<string> TestOnlyTrustedRoots { get; } = [];
}
