using System.Formats.Asn1;
using System.Security.Cryptography;
using Attestation.Core.Cryptography;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// Reads what App Attest evidence says without verifying it, so that support tools (scripts/attestation) can show it
/// whatever the verdict. Best effort: what cannot be read stays null, and nothing read here is trusted.
/// </summary>
public static class AppleAppAttestFactsReader
{
    /// <summary>The key id, environment, counter and key an attestation object carries.</summary>
    public static AppleAttestationFacts ReadAttestation(byte[] attestationObject)
    {
        ArgumentNullException.ThrowIfNull(attestationObject);
        AppAttestAttestationObject attestation;
        try
        {
            attestation = AppAttestAttestationObject.Read(attestationObject);
        }
        catch (FormatException)
        {
            return new AppleAttestationFacts(null, null, null, null);
        }

        AppAttestAuthenticatorData? authenticatorData = null;
        try
        {
            authenticatorData = AppAttestAuthenticatorData.Read(attestation.AuthenticatorData);
        }
        catch (FormatException)
        {
            // What cannot be read stays null.
        }

        byte[]? keyId = authenticatorData?.CredentialId;
        byte[]? publicKey = null;
        if (attestation.Certificates.Count > 0)
        {
            try
            {
                var (point, subjectPublicKeyInfo) = AppAttestCredentialCertificate.ReadKey(DerCertificate.Read(attestation.Certificates[0]));
                keyId = SHA256.HashData(point);
                publicKey = subjectPublicKeyInfo;
            }
            catch (Exception e) when (e is AsnContentException or FormatException)
            {
                // As above: the credential id, if any, stands for the key id.
            }
        }

        return new AppleAttestationFacts(keyId, AppAttestEnvironments.FromAaguid(authenticatorData?.Aaguid), authenticatorData?.SignCount, publicKey);
    }

    /// <summary>The counter an assertion carries.</summary>
    public static AppleAssertionFacts ReadAssertion(byte[] assertion)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        try
        {
            var parsed = AppAttestAssertion.Read(assertion);
            return new AppleAssertionFacts(AppAttestAuthenticatorData.ReadHeader(parsed.AuthenticatorData).SignCount);
        }
        catch (FormatException)
        {
            return new AppleAssertionFacts(Counter: null);
        }
    }
}
