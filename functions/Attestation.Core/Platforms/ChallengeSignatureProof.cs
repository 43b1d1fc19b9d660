using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Cryptography;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms;

/// <summary>
/// <c>{"signature": b64}</c>, the refresh proof of a device that registered a key of its own (docs/api.md: Android key
/// attestation, and Play Integrity with a <c>deviceKey</c>), after its shape was checked. One type for both platforms, so
/// that both read and check the signature the same way.
/// </summary>
public sealed class ChallengeSignatureProof
{
    /// <summary>The longest <c>signature</c> text accepted (an RSA-4096 signature is 684 base64 characters).</summary>
    public const int MaxSignatureLength = 1024;

    private ChallengeSignatureProof(byte[] signature) => Signature = signature;

    /// <summary>The registered key's signature over the challenge's UTF-8 bytes.</summary>
    public byte[] Signature { get; }

    /// <summary>Reads <c>{"signature": b64}</c>.</summary>
    /// <exception cref="AttestationException"><c>invalid_request</c> when the proof does not have that shape.</exception>
    public static ChallengeSignatureProof Read(JsonElement proof)
    {
        var text = EvidenceJson.RequireString(proof, "proof", "signature", MaxSignatureLength);
        return Base64Flexible.TryDecode(text, out var signature) && signature.Length > 0
            ? new ChallengeSignatureProof(signature)
            : throw AttestationException.InvalidRequest("proof.signature must be base64.");
    }

    /// <summary>
    /// Checks the signature over the UTF-8 bytes of <paramref name="challenge"/> with SHA-256 (ECDSA with a DER signature, or
    /// RSA PKCS#1 v1.5) by <paramref name="subjectPublicKeyInfo"/>, the key the device registered.
    /// </summary>
    /// <exception cref="AttestationException"><c>proof_invalid</c> when it does not verify, or no key was registered.</exception>
    public void Verify(byte[]? subjectPublicKeyInfo, string challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (subjectPublicKeyInfo is not { Length: > 0 })
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The device has no registered key.");
        }

        bool verifies;
        try
        {
            verifies = PublicKeySignature.VerifyData(subjectPublicKeyInfo, PublicKeySignature.AlgorithmOf(subjectPublicKeyInfo), Encoding.UTF8.GetBytes(challenge), Signature, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or PlatformNotSupportedException)
        {
            verifies = false;
        }

        if (!verifies)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The signature over the challenge does not verify with the device's key.");
        }
    }
}
