namespace Attestation.AspNetCore;

/// <summary>Names the package uses unless told otherwise.</summary>
public static class AttestationTokenDefaults
{
    /// <summary>The authentication scheme <see cref="AttestationTokenExtensions.AddAttestationToken(Microsoft.AspNetCore.Authentication.AuthenticationBuilder, Action{AttestationTokenOptions})"/> registers.</summary>
    public const string AuthenticationScheme = "AttestationToken";

    /// <summary>The request header that carries the token, without a scheme (the edge fragment's default too).</summary>
    public const string HeaderName = "Attestation-Token";

    /// <summary>The Key Vault secret whose versions are the HS256 keys (the backend's default).</summary>
    public const string SecretName = "token-signing-key";

    /// <summary>The meter of the accepted, refused and would-be-refused counts.</summary>
    public const string MeterName = "Attestation.AspNetCore";
}
