using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Attestation.Core.Cryptography;
using Attestation.Core.Devices;
using Attestation.Core.Errors;
using Attestation.Core.Text;

namespace Attestation.Core.Platforms.Android;

/// <summary>
/// An Android device refreshes by signing the challenge with the key its attestation registered. docs/api.md: the signature is
/// over the UTF-8 bytes of the challenge, with SHA-256: ECDSA with a DER signature, or RSA PKCS#1 v1.5.
/// </summary>
public sealed class AndroidKeyRefreshVerifier : IRefreshVerifier<AndroidKeyAttestationPolicy, AndroidKeySignatureProof>
{
    private const int MaxSignatureLength = 1024;

    /// <summary>Reads <c>{"signature": b64}</c>.</summary>
    public AndroidKeySignatureProof ReadProof(JsonElement proof)
    {
        var text = EvidenceJson.RequireString(proof, "proof", "signature", MaxSignatureLength);
        return Base64Flexible.TryDecode(text, out var signature) && signature.Length > 0
            ? new AndroidKeySignatureProof(signature)
            : throw AttestationException.InvalidRequest("proof.signature must be base64.");
    }

    public Task<RefreshVerdict> VerifyAsync(AndroidKeyAttestationPolicy policy, DeviceRegistration registration, string challenge, AndroidKeySignatureProof proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(proof);
        var signature = proof.Signature;
        if (registration.PublicKey is not { Length: > 0 } publicKey)
        {
            throw new AttestationException(AttestationErrorCode.ProofInvalid, "The device has no registered key.");
        }

        var data = Encoding.UTF8.GetBytes(challenge);
        bool valid;
        try
        {
            valid = PublicKeySignature.VerifyData(publicKey, PublicKeySignature.AlgorithmOf(publicKey), data, signature, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or PlatformNotSupportedException)
        {
            valid = false;
        }

        return valid
            ? Task.FromResult(new RefreshVerdict(registration.Counter))
            : throw new AttestationException(AttestationErrorCode.ProofInvalid, "The signature over the challenge does not verify with the device's key.");
    }
}
