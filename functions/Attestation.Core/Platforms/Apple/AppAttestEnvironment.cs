namespace Attestation.Core.Platforms.Apple;

/// <summary>The App Attest environment, read from the aaguid of the attestation's authenticator data.</summary>
public enum AppAttestEnvironment
{
    /// <summary>aaguid <c>appattestdevelop</c>: a development build.</summary>
    Development,

    /// <summary>aaguid <c>appattest</c> followed by seven zero bytes: a build from the App Store, TestFlight or enterprise distribution.</summary>
    Production,
}
